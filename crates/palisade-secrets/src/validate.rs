//! Structural validators: a match that fails its format's checksum or structure is not
//! reported. Rules name them with `validate:`.

/// A named validator; `None` if the name is unknown (a rule-load error).
pub fn by_name(name: &str) -> Option<fn(&[u8]) -> bool> {
    Some(match name {
        "github-checksum" => github_checksum,
        "jwt" => jwt,
        "base64" => base64_decodes,
        "pypi-macaroon" => pypi_macaroon,
        "aws-secret-key" => aws_secret_key,
        "azure-storage-key" => azure_storage_key,
        "discord-bot-token" => discord_bot_token,
        "basic-auth" => basic_auth,
        "grafana-checksum" => grafana_checksum,
        "atlassian-checksum" => atlassian_checksum,
        "sentry-org-token" => sentry_org_token,
        "grafana-cloud-token" => grafana_cloud_token,
        "age-secret-key" => age_secret_key,
        "pem-der" => pem_der,
        "openssh-key" => openssh_key,
        _ => return None,
    })
}

/// Every validator name, for docs and errors.
pub const NAMES: &[&str] = &[
    "github-checksum",
    "jwt",
    "base64",
    "pypi-macaroon",
    "aws-secret-key",
    "azure-storage-key",
    "discord-bot-token",
    "basic-auth",
    "grafana-checksum",
    "atlassian-checksum",
    "sentry-org-token",
    "grafana-cloud-token",
    "age-secret-key",
    "pem-der",
    "openssh-key",
];

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
/// 30 random base62 characters, then the CRC32 (IEEE, as zlib computes it) of those 30
/// characters alone — not of the prefix — in base62 with the digits-upper-lower
/// alphabet (`0-9A-Za-z`), left-padded with `0` to 6 characters.
/// See <https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/>;
/// the alphabet and padding were checked against tokens GitHub issued (revoked ones
/// published in public code: all validate with this alphabet and none with `0-9a-zA-Z`).
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

/// A JWT (JWS compact form): three base64url parts, the header a JSON object naming an
/// `alg`, the payload a JSON object.
pub fn jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(payload)) = (parts.next(), parts.next()) else {
        return false;
    };
    let is_object = |part: &[u8]| {
        base64url_decode(part).is_some_and(|d| {
            let text = String::from_utf8_lossy(&d);
            let t = text.trim();
            t.starts_with('{') && t.ends_with('}')
        })
    };
    let header_ok = base64url_decode(header).is_some_and(|d| {
        let text = String::from_utf8_lossy(&d);
        text.trim_start().starts_with('{') && text.contains("\"alg\"")
    });
    header_ok && is_object(payload) && !is_anonymous_role(payload) && !is_example_claims(payload)
}

/// Claims that say they are an example (`"iss": "https://example.com"`,
/// `EXAMPLEIDENTITYCONTEXT`) or name the sample people of the JWT and identity-platform
/// documentation: not a live token.
fn is_example_claims(payload: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[b"example", b"john doe", b"jane doe", b"abe lincoln"];
    base64url_decode(payload).is_some_and(|d| {
        let lower = d.to_ascii_lowercase();
        MARKERS
            .iter()
            .any(|m| memchr::memmem::find(&lower, m).is_some())
    })
}

/// A payload granting the anonymous role (`"role":"anon"`, Supabase's public anon key):
/// meant to ship in front-end code, so not a secret.
fn is_anonymous_role(payload: &[u8]) -> bool {
    base64url_decode(payload).is_some_and(|d| {
        let compact: Vec<u8> = d.into_iter().filter(|b| !b.is_ascii_whitespace()).collect();
        memchr::memmem::find(&compact, b"\"role\":\"anon\"").is_some()
    })
}

/// A PyPI API token (`pypi-` + base64url): a version-2 macaroon in its binary form,
/// located at `pypi.org` or `test.pypi.org`, with an identifier, caveats and a
/// 32-byte signature, and nothing after it.
pub fn pypi_macaroon(token: &[u8]) -> bool {
    let Some(body) = token.strip_prefix(b"pypi-") else {
        return false;
    };
    let Some(bytes) = base64url_decode(body) else {
        return false;
    };
    let Some(location) = macaroon_v2(&bytes) else {
        return false;
    };
    location == b"pypi.org" || location == b"test.pypi.org"
}

/// Parses a binary v2 macaroon; returns its location.
fn macaroon_v2(b: &[u8]) -> Option<&[u8]> {
    const EOS: u64 = 0;
    const LOCATION: u64 = 1;
    const IDENTIFIER: u64 = 2;
    const SIGNATURE: u64 = 6;
    let mut r = Reader { b, pos: 0 };
    if r.byte()? != 2 {
        return None;
    }
    // Header section: optional location, required identifier, EOS.
    let mut location: &[u8] = &[];
    let mut field = r.varint()?;
    if field == LOCATION {
        location = r.data()?;
        field = r.varint()?;
    }
    if field != IDENTIFIER || r.data()?.is_empty() || r.varint()? != EOS {
        return None;
    }
    // Caveat sections, each ending with EOS; an empty section ends the list.
    loop {
        let mut field = r.varint()?;
        if field == EOS {
            break;
        }
        let mut seen_id = false;
        while field != EOS {
            if !(1..=4).contains(&field) {
                return None;
            }
            seen_id |= field == IDENTIFIER;
            r.data()?;
            field = r.varint()?;
        }
        if !seen_id {
            return None;
        }
    }
    if r.varint()? != SIGNATURE || r.data()?.len() != 32 || r.pos != b.len() {
        return None;
    }
    Some(location)
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let v = *self.b.get(self.pos)?;
        self.pos += 1;
        Some(v)
    }
    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn data(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.varint()?).ok()?;
        let end = self.pos.checked_add(len)?;
        let d = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(d)
    }
}

/// An AWS secret access key: 40 characters of the base64 alphabet mixing upper case,
/// lower case and digits (a 40-character hex digest or a word never is one).
pub fn aws_secret_key(s: &[u8]) -> bool {
    s.len() == 40
        && s.iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        && s.iter().any(u8::is_ascii_uppercase)
        && s.iter().any(u8::is_ascii_lowercase)
        && s.iter().any(u8::is_ascii_digit)
}

/// An Azure Storage (or Cosmos DB) account key: base64 of exactly 64 bytes.
pub fn azure_storage_key(s: &[u8]) -> bool {
    s.len() == 88 && s.ends_with(b"==") && decode(s, false).is_some_and(|d| d.len() == 64)
}

/// A Discord bot token: its first part is the bot's numeric user id in base64.
pub fn discord_bot_token(s: &[u8]) -> bool {
    let Some(first) = s.split(|&b| b == b'.').next() else {
        return false;
    };
    base64url_decode(first)
        .is_some_and(|d| (17..=20).contains(&d.len()) && d.iter().all(u8::is_ascii_digit))
}

/// HTTP basic credentials: base64 of printable `user:password`, both parts non-empty,
/// and the password not a placeholder (`user:password`, `admin:changeme`).
pub fn basic_auth(s: &[u8]) -> bool {
    let Some(d) = decode(s, false) else {
        return false;
    };
    let Some(colon) = d.iter().position(|&b| b == b':') else {
        return false;
    };
    let password = &d[colon + 1..];
    colon > 0
        && !password.is_empty()
        && d.iter().all(|b| (0x20..0x7f).contains(b))
        && !crate::filter::is_placeholder(password)
        && !crate::filter::is_unlikely_generic(password)
}

/// A Grafana service-account token, `glsa_<32 chars>_<8 hex>`: the hex is the CRC32 of
/// everything before the last `_`, written little-endian.
pub fn grafana_checksum(s: &[u8]) -> bool {
    let Some(us) = s.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let (body, hex) = (&s[..us], &s[us + 1..]);
    let crc = crc32fast::hash(body).to_le_bytes();
    hex.len() == 8 && hex_eq(hex, &crc)
}

/// An Atlassian API token (`ATATT…=XXXXXXXX`): the last 8 characters are the CRC32,
/// in upper-case hex, of everything before them.
pub fn atlassian_checksum(s: &[u8]) -> bool {
    if s.len() < 9 {
        return false;
    }
    let (body, hex) = s.split_at(s.len() - 8);
    hex_eq(hex, &crc32fast::hash(body).to_be_bytes())
}

fn hex_eq(hex: &[u8], bytes: &[u8]) -> bool {
    let digit = |b: u8| (b as char).to_digit(16);
    hex.len() == bytes.len() * 2
        && hex.chunks(2).zip(bytes).all(|(pair, &byte)| {
            matches!((digit(pair[0]), digit(pair[1])), (Some(h), Some(l)) if h * 16 + l == u32::from(byte))
        })
}

/// A Sentry organization token, `sntrys_<base64 JSON>_<secret>`: the JSON names when it
/// was issued (`iat`) and the Sentry it belongs to.
pub fn sentry_org_token(s: &[u8]) -> bool {
    let Some(rest) = s.strip_prefix(b"sntrys_") else {
        return false;
    };
    let Some(us) = rest.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    json_object_with(&rest[..us], &["\"iat\""])
}

/// A Grafana Cloud access-policy token, `glc_<base64 JSON>`: the JSON carries the
/// organization (`o`) and the key (`k`).
pub fn grafana_cloud_token(s: &[u8]) -> bool {
    s.strip_prefix(b"glc_")
        .is_some_and(|b| json_object_with(b, &["\"o\"", "\"k\""]))
}

fn json_object_with(b64: &[u8], keys: &[&str]) -> bool {
    let Some(d) = decode(b64, false) else {
        return false;
    };
    let text = String::from_utf8_lossy(&d);
    let t = text.trim();
    t.starts_with('{') && t.ends_with('}') && keys.iter().all(|k| t.contains(k))
}

/// An age secret key, `AGE-SECRET-KEY-1…`: Bech32 with a valid checksum and 32 bytes
/// of key.
pub fn age_secret_key(s: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let lower = s.to_ascii_lowercase();
    let Some(sep) = lower.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    let (hrp, data) = (&lower[..sep], &lower[sep + 1..]);
    if hrp != b"age-secret-key-" || data.len() != 58 {
        return false;
    }
    let mut values = Vec::with_capacity(hrp.len() * 2 + 1 + data.len());
    values.extend(hrp.iter().map(|&c| c >> 5));
    values.push(0);
    values.extend(hrp.iter().map(|&c| c & 31));
    for &c in data {
        let Some(v) = CHARSET.iter().position(|&x| x == c) else {
            return false;
        };
        values.push(v as u8);
    }
    bech32_polymod(&values) == 1
}

fn bech32_polymod(values: &[u8]) -> u32 {
    const GEN: [u32; 5] = [
        0x3b6a_57b2,
        0x2650_8e6d,
        0x1ea1_19fa,
        0x3d42_33dd,
        0x2a14_62b3,
    ];
    let mut chk: u32 = 1;
    for &v in values {
        let top = chk >> 25;
        chk = ((chk & 0x01ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in GEN.iter().enumerate() {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk
}

/// The base64 body of a PEM block, with whitespace and escaped newlines (`\n` inside a
/// JSON string) removed.
fn pem_body(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' if matches!(s.get(i + 1), Some(b'n' | b'r')) => i += 2,
            b if b.is_ascii_whitespace() => i += 1,
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// A PEM private-key body: base64 of a DER `SEQUENCE` (what every PKCS#1, SEC1, DSA
/// and PKCS#8 key is), at least 64 bytes long.
pub fn pem_der(s: &[u8]) -> bool {
    decode(&pem_body(s), false).is_some_and(|d| d.len() >= 64 && d[0] == 0x30)
}

/// An OpenSSH private-key body: base64 of `openssh-key-v1\0` and the key.
pub fn openssh_key(s: &[u8]) -> bool {
    decode(&pem_body(s), false).is_some_and(|d| d.len() >= 64 && d.starts_with(b"openssh-key-v1\0"))
}

/// Base64 (standard or URL-safe), ignoring line breaks, including escaped ones (`\n`).
fn base64_decodes(s: &[u8]) -> bool {
    decode(&pem_body(s), false).is_some()
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
    fn github_checksum_documented_vector() {
        // The worked example of the base62-token.js documentation: its checksum starts
        // with the `0` padding.
        assert!(github_checksum(b"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"));
        assert!(!github_checksum(
            b"ghp_zQWBuTSOoRi4A9spHcVY5ncnsDkxkJmLq170"
        ));
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
        // The payload must be a JSON object too.
        assert!(!jwt(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.bm90anNvbg.c2ln"
        ));
    }

    #[test]
    fn pypi_macaroon_structure() {
        let live = b"pypi-AgEIcHlwaS5vcmcCJDUyZTZiNDM4LWYyYTctMjY5ZS02NTEzLTBjNWNhNmEzYTQ1MAACJXsidmVyc2lvbiI6IDEsICJwZXJtaXNzaW9ucyI6ICJ1c2VyIn0AAAYgEtKJGF2VDuiBNgkWb2sRPReNbA_TkB_yOaGglfIPk5U";
        assert!(pypi_macaroon(live));
        assert!(pypi_macaroon(b"pypi-AgENdGVzdC5weXBpLm9yZwIkNjU4Y2RhMTQtMGNiMS1mOWViLTM4OTgtOGU4MTBiZWNkN2IwAAIleyJ2ZXJzaW9uIjogMSwgInBlcm1pc3Npb25zIjogInVzZXIifQAABiDbIkprJIoekk6P0K4uGpSSozBfGIy2EJAPnjR_rohtxg"));
        // Truncated: the signature is cut short.
        assert!(!pypi_macaroon(&live[..live.len() - 4]));
        // The right prefix followed by random characters is not a macaroon.
        assert!(!pypi_macaroon(
            b"pypi-AgEIcHlwaS5vcmcq8Zr2LkP0vX1mN4sT7pX2vB9nR4kW8yH1cJ5dF6gS1N3EHOk3Xq9Lw2Tz8vNm4Rb"
        ));
        assert!(!pypi_macaroon(b"pypi-"));
    }

    #[test]
    fn aws_secret_key_shape() {
        assert!(aws_secret_key(b"k3Xq9Lw2Tz8vNm4Rb7Yp1Sd6Hf0Gj5Ca2Ue8Wi3O"));
        assert!(!aws_secret_key(b"da39a3ee5e6b4b0d3255bfef95601890afd80709"));
        assert!(!aws_secret_key(b"k3Xq9Lw2Tz8vNm4Rb7Yp1Sd6Hf0Gj5Ca2Ue8Wi3"));
    }

    #[test]
    fn azure_storage_key_is_64_bytes() {
        let key = b"jLYQkA+eNH+uiG3GUHeV7HRcTD/LLrLHPhSTTIZ+4Fe6ckmb+hIeg2sqwVcm7n1rCvarE8OOksrg0VBXsVmYfw==";
        assert_eq!(key.len(), 88);
        assert!(azure_storage_key(key));
        assert!(!azure_storage_key(&key[..86]));
    }

    #[test]
    fn discord_bot_token_user_id() {
        assert!(discord_bot_token(
            b"NDAyMzQzNDI2ODUxOTgyODIwNQ.MptUsG.r7CmY-uCu3ZR1zTOlUcR64cXQLioDnkHIfxIq2"
        ));
        // `hello world!!` is not a user id.
        assert!(!discord_bot_token(
            b"aGVsbG8gd29ybGQhIQ.MptUsG.r7CmY-uCu3ZR1zTOlUcR64cXQLioDnkHIfxIq2"
        ));
    }

    #[test]
    fn basic_auth_pairs() {
        assert!(basic_auth(b"ZGVwbG95OnE4WnIyTGtQMHZYMW1ONHM="));
        assert!(!basic_auth(b"bm8tY29sb24taGVyZQ=="));
        assert!(!basic_auth(b"not base64!"));
        // `user:password`
        assert!(!basic_auth(b"dXNlcjpwYXNzd29yZA=="));
    }

    #[test]
    fn grafana_and_atlassian_checksums() {
        assert!(grafana_checksum(
            b"glsa_uDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj_c20bd0c5"
        ));
        assert!(!grafana_checksum(
            b"glsa_uDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj_c20bd0c6"
        ));
        let atl = b"ATATT3xFfGF0-1fjORS_6ilI8ihN5KXSc7Tvo_hBKqFYY_kv5ZJr3J1TWDtkwtDDb-xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po-799NksnRH9ucAUsdMlHUvTCQCyEZDz_TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuv=1BB903A1";
        assert!(atlassian_checksum(atl));
        let mut bad = atl.to_vec();
        bad[20] = b'Q';
        assert!(!atlassian_checksum(&bad));
    }

    #[test]
    fn sentry_and_grafana_cloud_payloads() {
        assert!(sentry_org_token(b"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"));
        assert!(!sentry_org_token(
            b"sntrys_bm90IGpzb24=_BdGBLEPH1qhT61qtc4xatws8phP9nhFyJfm5di4PzJ5"
        ));
        assert!(grafana_cloud_token(b"glc_eyJvIjoiNTMyODQwIiwibiI6InN0YWNrLWl6ZWc4cC1kZXBsb3kiLCJrIjoiU0g0NDg3cTdKNThtMUNpQWh6Q3VlUXBCIiwibSI6eyJyIjoicHJvZC11cy1lYXN0LTAifX0="));
        assert!(!grafana_cloud_token(
            b"glc_bm90IGpzb24gYXQgYWxsIGJ1dCBsb25nIGVub3VnaA=="
        ));
    }

    #[test]
    fn age_bech32_checksum() {
        let key = b"AGE-SECRET-KEY-1LCSQWF5HUAMUAFE9NNFE37NE4RH4JFUV3SSS2Q7VLZU6VX5XHLHSXMYAFF";
        assert!(age_secret_key(key));
        let mut bad = key.to_vec();
        bad[30] = if bad[30] == b'Q' { b'P' } else { b'Q' };
        assert!(!age_secret_key(&bad));
    }

    #[test]
    fn pem_bodies() {
        let rsa = b"MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\nLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo\n";
        assert!(pem_der(rsa));
        assert!(!pem_der(b"bm90IGEga2V5IGJ1dCBzb21lIHRleHQgdGhhdCBpcyBsb25nIGVub3VnaCB0byBiZSBkZWNvZGVkIGFuZCBjaGVja2Vk"));
        let ssh = b"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACB1c2VyQGhvc3Qga2V5IG1hdGVyaWFsIGdvZXMgaGVyZSBmb3IgdGVzdHM=";
        assert!(openssh_key(ssh));
        assert!(!openssh_key(rsa));
    }
}
