//! Structural validators: a match that fails its format's checksum or structure is not
//! reported. Rules name them with `validate:`.

/// A named validator; `None` if the name is unknown (a rule-load error).
pub fn by_name(name: &str) -> Option<fn(&[u8]) -> bool> {
    Some(match name {
        "github-checksum" => github_checksum,
        "jwt" => jwt,
        "base64" => base64_decodes,
        _ => return None,
    })
}

/// Every validator name, for docs and errors.
pub const NAMES: &[&str] = &["github-checksum", "jwt", "base64"];

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn base62_fixed(mut n: u32, width: usize) -> Vec<u8> {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out
}

/// GitHub's token format (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, and npm's `npm_`):
/// 30 random base62 characters then 6 characters of their CRC32 in base62.
/// See <https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/>.
pub fn github_checksum(token: &[u8]) -> bool {
    let Some(us) = token.iter().position(|&b| b == b'_') else {
        return false;
    };
    let body = &token[us + 1..];
    if body.len() != 36 || !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (random, check) = body.split_at(30);
    base62_fixed(crc32fast::hash(random), 6) == check
}

/// A JWT: three base64url parts, the first a JSON object with an `alg`.
pub fn jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let Some(header) = parts.next() else {
        return false;
    };
    let Some(decoded) = base64url_decode(header) else {
        return false;
    };
    let text = String::from_utf8_lossy(&decoded);
    text.trim_start().starts_with('{') && text.contains("\"alg\"")
}

fn base64_decodes(s: &[u8]) -> bool {
    let trimmed: Vec<u8> = s
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    decode(&trimmed, false).is_some()
}

/// Decodes standard or URL-safe base64, padded or not.
pub fn base64url_decode(s: &[u8]) -> Option<Vec<u8>> {
    decode(s, true)
}

fn decode(s: &[u8], url: bool) -> Option<Vec<u8>> {
    let s = s
        .strip_suffix(b"==")
        .or_else(|| s.strip_suffix(b"="))
        .unwrap_or(s);
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for &c in s {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' if !url => 62,
            b'/' if !url => 63,
            b'-' if url => 62,
            b'_' if url => 63,
            b'+' | b'/' | b'-' | b'_' => {
                if c == b'+' || c == b'-' {
                    62
                } else {
                    63
                }
            }
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a token with a correct checksum, the way the tests and the benchmark do.
    pub(crate) fn make_github_token(prefix: &str, random30: &str) -> String {
        let check = base62_fixed(crc32fast::hash(random30.as_bytes()), 6);
        format!("{prefix}{random30}{}", String::from_utf8_lossy(&check))
    }

    #[test]
    fn github_checksum_roundtrip() {
        let t = make_github_token("ghp_", "Zq3LmT7pX2vB9nR4kW8yH1cJ5dF6gS");
        assert!(github_checksum(t.as_bytes()), "{t}");
        let mut bad = t.into_bytes();
        let last = bad.len() - 1;
        bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
        assert!(!github_checksum(&bad));
    }

    #[test]
    fn jwt_header() {
        assert!(jwt(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln"
        ));
        assert!(!jwt(b"eyJub3QiOiJqd3QifQ.e30.c2ln"));
    }
}
