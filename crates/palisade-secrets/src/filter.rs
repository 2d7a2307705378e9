//! Filters that tell a real secret from a placeholder, a documented example, an
//! environment lookup or a test fixture.

/// Shannon entropy of the bytes, in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Words that mark a value as a placeholder or a documented example.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "redacted",
    "dummy",
    "sample",
    "your",
    "mypassword",
    "my_password",
    "mysecret",
    "my_secret",
    "p@ssw0rd",
    "passw0rd",
    "insert",
    "replace",
    "xxxx",
    "****",
    "....",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "%s",
    "fake",
    "notreal",
    "not_real",
    "not-a-real",
];

/// Values that are never secrets, compared case-insensitively to the whole value.
const NON_SECRETS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "true",
    "false",
    "null",
    "none",
    "nil",
    "undefined",
    "string",
    "required",
    "optional",
    "test",
    "testing",
    "default",
    "admin",
    "root",
    "user",
    "username",
    "changeit",
    "hunter2",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty",
    "letmein",
    "abc123",
    "foobar",
    "secret123",
    "password1",
    "password123",
];

/// Distinctive parts of values that vendors publish in their documentation, samples and
/// emulators (Azurite's well-known storage key, the jwt.io sample, Stripe's and
/// Telegram's documented keys ...): a secret containing one is not reported.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    // Azurite / Azure Storage Emulator: the same key in every installation.
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    // jwt.io's sample tokens (HS256 `your-256-bit-secret`).
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "KMUFsIDTnFmyG3nMiGM6H9FNFUROf3wh7SmqJp-QV30",
    // Stripe's documented test keys.
    "4eC39HqLyjWDarjtT1zdp7dc",
    "BQokikJOvBiI2HlWgH4olfQ2",
    // Telegram Bot API documentation.
    "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    // Slack API documentation.
    "pdFZKVeTuE8sk7oOcBrzbqgy",
];

/// Whether the value is (or contains) a value published in vendor documentation.
pub fn is_documented_example(secret: &[u8]) -> bool {
    DOCUMENTED_EXAMPLES
        .iter()
        .any(|e| memchr::memmem::find(secret, e.as_bytes()).is_some())
}

/// Template markers: a value containing one is filled in elsewhere.
const TEMPLATE_MARKERS: &[&str] = &["${", "{{", "}}", "$(", "%(", "<", ">"];

/// Values longer than this (keys, certificates, session tokens) are encoded blobs, in
/// which a short word can occur by chance: only template markers are looked for there.
const BLOB_LEN: usize = 256;

/// Whether the value looks like a placeholder rather than a secret.
pub fn is_placeholder(secret: &[u8]) -> bool {
    let lower: Vec<u8> = secret.to_ascii_lowercase();
    let words: &[&str] = if secret.len() > BLOB_LEN {
        TEMPLATE_MARKERS
    } else {
        PLACEHOLDER_WORDS
    };
    if words
        .iter()
        .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
    {
        return true;
    }
    if let Some(&first) = secret.first() {
        // `$VAR`, `%VAR%`: an environment lookup, not a value.
        if first == b'$' || (first == b'%' && secret.last() == Some(&b'%')) {
            return true;
        }
        // One repeated character: `aaaaaaaa`, `00000000`.
        if secret.iter().all(|&b| b == first) {
            return true;
        }
    }
    // A token-sized value with a long run of one character (`sk_live_000000000000`) or
    // a keyboard or alphabet sequence (`ghp_1234567890abcdef...`) was typed by a person.
    // Random values of these lengths practically never contain either; long encoded
    // blobs (keys, certificates) may, so they are exempt from the run check.
    if secret.len() <= 128 && longest_run(secret) >= 8 {
        return true;
    }
    is_sequential(&lower) || contains_sequence(&lower)
}

/// The longest run of one repeated ASCII letter or digit.
fn longest_run(s: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in s {
        if b.is_ascii_alphanumeric() && prev == Some(b) {
            run += 1;
        } else {
            run = 1;
        }
        prev = Some(b);
        best = best.max(run);
    }
    best
}

/// Whether the value contains 8 consecutive characters of an alphabet, digit or
/// keyboard sequence.
fn contains_sequence(lower: &[u8]) -> bool {
    const SEQUENCES: &[&[u8]] = &[
        b"0123456789abcdefghijklmnopqrstuvwxyz",
        b"1234567890",
        b"zyxwvutsrqponmlkjihgfedcba9876543210",
        b"qwertyuiop",
        b"asdfghjkl",
    ];
    const WIDTH: usize = 8;
    lower.len() >= WIDTH
        && SEQUENCES.iter().any(|seq| {
            seq.windows(WIDTH)
                .any(|w| memchr::memmem::find(lower, w).is_some())
        })
}

/// Stricter checks for generic assignment rules.
pub fn is_unlikely_generic(secret: &[u8]) -> bool {
    let lower = secret.to_ascii_lowercase();
    let text = String::from_utf8_lossy(&lower);
    if NON_SECRETS.iter().any(|w| *w == text) {
        return true;
    }
    // Real secrets are ASCII; a word in another script is a label or a translation.
    if !secret.is_ascii() {
        return true;
    }
    // A password hash (Django, Werkzeug, passlib ...) is not a credential.
    if HASH_SCHEMES.iter().any(|h| text.starts_with(h)) {
        return true;
    }
    // An identifier, a header or class name: letters only, in words (`X-CSRF-Token`,
    // `RefreshToken`, `Some_Setting.Name`), without a digit.
    if is_identifier_like(secret) {
        return true;
    }
    // A template slot: `{password}`, `[password]`, `(secret)`, `:password`.
    let wrapped =
        |open: u8, close: u8| secret.first() == Some(&open) && secret.last() == Some(&close);
    if wrapped(b'{', b'}') || wrapped(b'[', b']') || wrapped(b'(', b')') || secret.starts_with(b":")
    {
        return true;
    }
    // Code, paths and URLs rather than values.
    if secret.starts_with(b"/")
        || secret.starts_with(b"./")
        || secret.contains(&b'(')
        || text.starts_with("http://")
        || text.starts_with("https://")
        || text.starts_with("os.")
        || text.starts_with("process.env")
        || text.starts_with("env.")
        || text.starts_with("self.")
        || text.starts_with("this.")
        || text.starts_with("settings.")
        || text.starts_with("config.")
    {
        return true;
    }
    // A dotted or snake/kebab identifier of only letters: `some.setting.name`, `auth_token_key`.
    if secret
        .iter()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'.' | b'-'))
    {
        return true;
    }
    if secret
        .iter()
        .all(|b| b.is_ascii_uppercase() || matches!(b, b'_' | b'.' | b'-'))
    {
        return true;
    }
    // Real secrets mix character classes.
    let classes = [
        secret.iter().any(u8::is_ascii_lowercase),
        secret.iter().any(u8::is_ascii_uppercase),
        secret.iter().any(u8::is_ascii_digit),
        secret.iter().any(|b| b.is_ascii_punctuation()),
    ];
    classes.iter().filter(|&&c| c).count() < 2
}

/// Prefixes of password-hash encodings.
const HASH_SCHEMES: &[&str] = &[
    "pbkdf2_",
    "pbkdf2:",
    "pbkdf2-",
    "argon2",
    "bcrypt",
    "scrypt:",
    "scrypt$",
    "sha1$",
    "md5$",
    "sha256$",
    "sha512$",
    "unsalted_",
    "crypt$",
    "{ssha}",
    "{sha}",
    "{bcrypt}",
];

/// Letters in words, no digit: `X-CSRF-Token`, `RefreshToken`, `Some_Setting.Name`.
fn is_identifier_like(s: &[u8]) -> bool {
    if s.iter().any(u8::is_ascii_digit)
        || !s
            .iter()
            .all(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'_' | b'.'))
    {
        return false;
    }
    // Separated words ...
    if s.iter().any(|b| matches!(b, b'-' | b'_' | b'.')) {
        return true;
    }
    // ... or CamelCase words: each capital starts a run of at least two lower-case
    // letters (`RefreshToken`, `sessionKey`; not `qPzRwXyT`).
    let mut words = 0;
    let mut run = 0;
    for (i, &b) in s.iter().enumerate() {
        if b.is_ascii_uppercase() {
            if i > 0 && run < 2 {
                return false;
            }
            words += 1;
            run = 0;
        } else {
            run += 1;
        }
    }
    words >= 1 && run >= 2 && s.len() >= 2 * (words + 1)
}

fn is_sequential(lower: &[u8]) -> bool {
    const RUNS: &[&str] = &[
        "0123456789abcdefghijklmnopqrstuvwxyz",
        "abcdefghijklmnopqrstuvwxyz",
        "1234567890",
    ];
    lower.len() >= 8
        && RUNS
            .iter()
            .any(|r| memchr::memmem::find(r.as_bytes(), lower).is_some())
}

/// Whether the path looks like a test fixture: findings there get low confidence.
pub fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let segs: Vec<&str> = lower.split('/').collect();
    let dirs = &segs[..segs.len().saturating_sub(1)];
    let file = segs.last().copied().unwrap_or("");
    dirs.iter().any(|d| {
        matches!(
            *d,
            "test"
                | "tests"
                | "testdata"
                | "test-data"
                | "fixtures"
                | "fixture"
                | "__tests__"
                | "spec"
                | "specs"
                | "mocks"
                | "__mocks__"
                | "testing"
        )
    }) || file.starts_with("test_")
        || file.contains("_test.")
        || file.contains(".test.")
        || file.contains(".spec.")
        || file.contains("_spec.")
        || file.contains("fixture")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_uniform_and_repeated() {
        assert!(entropy(b"aaaa") < 0.01);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(is_placeholder(b"${GITHUB_TOKEN}"));
        assert!(is_placeholder(b"<your-token>"));
        assert!(is_placeholder(b"xxxxxxxxxxxxxxxxxxxx"));
        assert!(is_placeholder(b"$API_KEY"));
        assert!(is_placeholder(b"abcdefghijkl"));
        assert!(!is_placeholder(b"q8Zr2LkP0vX1mN4s"));
        assert!(is_placeholder(b"sk_live_000000000000000000000000"));
        assert!(is_placeholder(b"ghp_1234567890abcdefghijABCDEFGHIJ123456"));
        assert!(is_placeholder(b"xoxb-qwertyuiop"));
        assert!(!is_placeholder(b"sk_live_51Hq8ZtKJ3mXbR2vN0pLw7Yd"));
        // Long encoded blobs may contain runs (`AAAAAAAA` in DER): not placeholders.
        let long = format!(
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB{}",
            "Qx7".repeat(40)
        );
        assert!(!is_placeholder(long.as_bytes()));
    }

    #[test]
    fn documented_examples() {
        assert!(is_documented_example(b"sk_test_4eC39HqLyjWDarjtT1zdp7dc"));
        assert!(is_documented_example(
            b"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
        ));
        assert!(!is_documented_example(b"sk_test_51Hq8ZtKJ3mXbR2vN0pLw7Yd"));
    }

    #[test]
    fn generic_values() {
        assert!(is_unlikely_generic(b"password"));
        assert!(is_unlikely_generic(b"settings.SECRET_KEY"));
        assert!(is_unlikely_generic(b"auth_token_name"));
        assert!(!is_unlikely_generic(b"q8Zr2LkP0vX1mN4s"));
        assert!(is_unlikely_generic(b"{db_password}"));
        assert!(is_unlikely_generic(b"[PASSWORD_1]"));
        assert!(is_unlikely_generic(b"X-CSRF-Token"));
        assert!(is_unlikely_generic(b"RefreshToken"));
        assert!(is_unlikely_generic("Contraseña".as_bytes()));
        assert!(is_unlikely_generic(
            b"pbkdf2_sha256$600000$Qx7ab$kX1bT2ZJ0Hy3c="
        ));
        assert!(!is_unlikely_generic(b"qPzRwXyTbNmKvLs"));
        assert!(!is_unlikely_generic(b"Tr0ub4dor&3x"));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("src/tests/conf.py"));
        assert!(is_test_path("pkg/api_test.go"));
        assert!(is_test_path("web/app.spec.ts"));
        assert!(!is_test_path("src/settings.py"));
        assert!(!is_test_path("contest/main.py"));
    }
}
