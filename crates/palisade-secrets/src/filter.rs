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
    "...",
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
    "tiger",
    "guest",
    "pass",
    "passw0rd",
    "s3cr3t",
    "s3cret",
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
    // In a long blob, only an exact-case marker counts (AWS's documented session
    // tokens carry `EXAMPLE`).
    if secret.len() > BLOB_LEN
        && [&b"EXAMPLE"[..], b"example", b"Example"]
            .iter()
            .any(|w| memchr::memmem::find(secret, w).is_some())
    {
        return true;
    }
    if let Some(&first) = secret.first() {
        // `$VAR`, `%VAR%`: an environment lookup, not a value.
        if first == b'$' || (first == b'%' && secret.last() == Some(&b'%')) {
            return true;
        }
        // A Windows environment reference anywhere: `%APPDATA%\\key`.
        if has_percent_variable(secret) {
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
    // blobs (keys, certificates) may hold runs of `A` (zero bytes), so they need a much
    // longer run.
    let max_run = if secret.len() <= BLOB_LEN { 8 } else { 24 };
    if longest_run(secret) >= max_run {
        return true;
    }
    is_sequential(&lower) || contains_sequence(&lower)
}

/// `%NAME%`: a Windows environment variable reference.
fn has_percent_variable(s: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = s[i..].iter().position(|&b| b == b'%') {
        let start = i + p + 1;
        let len = s[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if len >= 2 && s.get(start + len) == Some(&b'%') && s[start].is_ascii_alphabetic() {
            return true;
        }
        i = start;
    }
    false
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
    // `RefreshToken`, `Some_Setting.Name`), without a digit; or a CONSTANT_CASE or
    // snake_case name (`FORBIDDEN_VALUE2`).
    if is_identifier_like(secret) || is_constant_or_snake_case(secret) {
        return true;
    }
    // A value that spells out what it stands for: `some:password`, `my-secret-value`,
    // `MySekretPa$$word`, `pa33w0rd`.
    if spells_a_secret_word(&lower) {
        return true;
    }
    // Well-known demo passwords inside a value (`tiger^5HHH`), and test values.
    if ["tiger", "hunter2", "letmein", "changeit", "qwerty", "test"]
        .iter()
        .any(|w| text.contains(w))
    {
        return true;
    }
    // Code around a string literal, not a value: `"+e.accessKeyId+"`.
    if secret.first() == Some(&b'+') || secret.last() == Some(&b'+') {
        return true;
    }
    // A placeholder in base64 (a Kubernetes Secret's `password: cGFzc3dvcmQ=`).
    if let Some(decoded) = decode_printable_base64(secret)
        && (is_placeholder(&decoded) || is_unlikely_generic(&decoded))
    {
        return true;
    }
    // A date or time: `2016-09-19T22:21:48Z`.
    if is_timestamp(secret) {
        return true;
    }
    // A file name or path: `custom_admin/password_change_form.html`, `certs/key.pem`.
    if is_file_path(secret) {
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
    // A dotted, snake, kebab, namespaced or path identifier of only letters:
    // `some.setting.name`, `auth_token_key`, `cargo:token`, `latest/api/token`.
    if secret
        .iter()
        .all(|b| b.is_ascii_lowercase() || matches!(b, b'_' | b'.' | b'-' | b'/' | b':'))
    {
        return true;
    }
    // A lower-case path with digits: `yegor256/home`, `v1/keys/2`.
    if secret.contains(&b'/')
        && secret.iter().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-' | b'/')
        })
    {
        return true;
    }
    // Escaped bytes (`\x9b\xbe…`): a test vector in a byte string, not a typed secret.
    if memchr::memmem::find_iter(secret, b"\\x").count() >= 2 {
        return true;
    }
    // Words: `correct_master_key_123!`, `correct-horse-battery`.
    if is_wordy(secret) {
        return true;
    }
    if secret
        .iter()
        .all(|b| b.is_ascii_uppercase() || matches!(b, b'_' | b'.' | b'-' | b'/'))
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

/// `SOME_NAME_2`, `some_name_2`: one case, letters, digits and underscores, with an
/// underscore, starting with a letter.
fn is_constant_or_snake_case(s: &[u8]) -> bool {
    let word = s.first().is_some_and(u8::is_ascii_alphabetic)
        && s.contains(&b'_')
        && s.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    word && (!s.iter().any(u8::is_ascii_lowercase) || !s.iter().any(u8::is_ascii_uppercase))
}

/// A path with a directory and a file extension, or a bare file name with a common
/// extension.
fn is_file_path(s: &[u8]) -> bool {
    const EXTENSIONS: &[&str] = &[
        "html", "htm", "txt", "json", "yaml", "yml", "xml", "py", "js", "ts", "rb", "go", "java",
        "pem", "key", "crt", "cer", "der", "p12", "pfx", "jks", "keystore", "conf", "cfg", "ini",
        "env", "log", "csv", "md", "png", "jpg", "gif", "svg", "sh", "toml",
    ];
    let Some(dot) = s.iter().rposition(|&b| b == b'.') else {
        return false;
    };
    let ext = &s[dot + 1..];
    let name_like = s[..dot]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'\\'));
    if !name_like || ext.is_empty() || ext.len() > 8 {
        return false;
    }
    let has_dir = s.iter().any(|b| matches!(b, b'/' | b'\\'));
    let known = EXTENSIONS
        .iter()
        .any(|e| e.as_bytes().eq_ignore_ascii_case(ext));
    known || (has_dir && ext.iter().all(u8::is_ascii_lowercase))
}

/// Letters in words, no digit: `X-CSRF-Token`, `RefreshToken`, `AWSAccessKeyId`,
/// `Some_Setting.Name`.
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
    // ... or CamelCase words: every run of lower-case letters but the last is at least
    // two letters long (`AWSAccessKeyId`; not the random `qPzRwXyT`).
    let mut runs = Vec::new();
    let mut run = 0;
    for &b in s {
        if b.is_ascii_lowercase() {
            run += 1;
        } else if run > 0 {
            runs.push(run);
            run = 0;
        }
    }
    if run > 0 {
        runs.push(run);
    }
    let Some((_, inner)) = runs.split_last() else {
        return false;
    };
    s.iter().any(u8::is_ascii_uppercase) && inner.iter().all(|&r| r >= 2)
}

/// Mostly lower-case words of five letters or more: a phrase, not a random value.
fn is_wordy(s: &[u8]) -> bool {
    let mut covered = 0;
    let mut words = 0;
    for run in s.split(|b| !b.is_ascii_alphabetic()) {
        if run.len() >= 5 && run[1..].iter().all(u8::is_ascii_lowercase) {
            covered += run.len();
            words += 1;
        }
    }
    words >= 2 && covered * 2 >= s.len()
}

/// Whether the value spells "password" or "secret", leetspeak included.
fn spells_a_secret_word(lower: &[u8]) -> bool {
    const WORDS: &[&[u8]] = &[b"passw", b"secret", b"sekret", b"passwd"];
    // `3` stands for `e` (`s3cr3t`) or `s` (`pa33w0rd`): try both readings.
    let decoded = percent_decode(lower);
    [b'e', b's'].iter().any(|&three| {
        let plain: Vec<u8> = decoded
            .iter()
            .map(|&b| match b {
                b'0' => b'o',
                b'1' | b'!' => b'i',
                b'3' => three,
                b'4' | b'@' => b'a',
                b'5' | b'$' => b's',
                b'7' => b't',
                other => other,
            })
            .collect();
        WORDS
            .iter()
            .any(|w| memchr::memmem::find(&plain, w).is_some())
    })
}

/// A base64 value (padded to a multiple of 4) that decodes to printable ASCII.
fn decode_printable_base64(s: &[u8]) -> Option<Vec<u8>> {
    if s.len() < 8 || !s.len().is_multiple_of(4) {
        return None;
    }
    let d = crate::validate::base64url_decode(s)?;
    (d.len() >= 3 && d.iter().all(|b| (0x20..0x7f).contains(b))).then_some(d)
}

/// `%XX` escapes decoded, and the escaped spaces dropped (`pass%20word` → `password`).
fn percent_decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%'
            && let (Some(h), Some(l)) = (
                s.get(i + 1).copied().and_then(hex),
                s.get(i + 2).copied().and_then(hex),
            )
        {
            let byte = (h * 16 + l) as u8;
            if byte != b' ' {
                out.push(byte.to_ascii_lowercase());
            }
            i += 3;
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// `2016-09-19`, `2016-09-19T22:21:48Z`, `22:21:48.123`: digits and date punctuation.
fn is_timestamp(s: &[u8]) -> bool {
    let digits = s.iter().filter(|b| b.is_ascii_digit()).count();
    digits >= 6
        && s.iter().all(|b| {
            b.is_ascii_digit() || matches!(b, b'-' | b':' | b'.' | b'T' | b'Z' | b'+' | b'/')
        })
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

/// Inline allowlist markers of other secret scanners (`gitleaks:allow`, detect-secrets'
/// `pragma: allowlist secret`): a person already reviewed the line, so it is not
/// reported again. palisade's own `palisade:ignore[…]` is handled by the scanner.
pub fn has_foreign_allow_marker(line: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[b"gitleaks:allow", b"pragma: allowlist secret"];
    line.len() >= 14
        && MARKERS
            .iter()
            .any(|m| memchr::memmem::find(line, m).is_some())
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

/// Whether the path is documentation (a docs tree, Markdown, reStructuredText,
/// AsciiDoc) or a template or sample file: heuristic findings there get low confidence.
pub fn is_docs_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let segs: Vec<&str> = lower.split('/').collect();
    let dirs = &segs[..segs.len().saturating_sub(1)];
    let file = segs.last().copied().unwrap_or("");
    dirs.iter()
        .any(|d| matches!(*d, "docs" | "doc" | "documentation" | "man"))
        || [".md", ".markdown", ".rst", ".adoc", ".asciidoc"]
            .iter()
            .any(|e| file.ends_with(e))
        // Templates and samples: `.env.example`, `config.sample.yml`, `examples-1.json`.
        || ["example", "sample", ".dist"]
            .iter()
            .any(|w| file.contains(w))
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
            "Qx7".repeat(100)
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
        assert!(is_unlikely_generic(b"FORBIDDEN_VALUE2"));
        assert!(is_unlikely_generic(b"some:password"));
        assert!(is_unlikely_generic(
            b"custom_admin/password_change_form.html"
        ));
        assert!(is_unlikely_generic(b"server.key"));
        assert!(!is_unlikely_generic(b"q8Zr2LkP0vX1mN4s.x"));
        assert!(is_unlikely_generic(b"AWSAccessKeyId"));
        assert!(is_unlikely_generic(b"ExclusiveStartShardId"));
        assert!(is_unlikely_generic(b"MySekretPa$$word"));
        assert!(is_unlikely_generic(b"'03#pa33w0rd'"));
        assert!(is_unlikely_generic(b"2016-09-19T22:21:48Z"));
        assert!(is_unlikely_generic(b"latest/api/token"));
        assert!(is_unlikely_generic(b"tiger^5HHH"));
        assert!(is_unlikely_generic(b"+e.accessKeyId+"));
        assert!(is_unlikely_generic(b"This-is-my-test-99!"));
        assert!(is_unlikely_generic(b"cargo:token"));
        assert!(is_unlikely_generic(b"yegor256/home"));
        assert!(is_unlikely_generic(b"\\x9b\\xbe\\x43\\x6b"));
        assert!(is_unlikely_generic(b"correct_master_key_123!"));
        assert!(is_unlikely_generic(b"pass%20word"));
        assert!(!is_unlikely_generic(b"Xk9pQ2zLm8Rt4Wv7"));
        // base64 of `password`, of `changeme`
        assert!(is_unlikely_generic(b"cGFzc3dvcmQ="));
        assert!(is_unlikely_generic(b"Y2hhbmdlbWU="));
    }

    #[test]
    fn test_paths() {
        assert!(is_test_path("src/tests/conf.py"));
        assert!(is_test_path("pkg/api_test.go"));
        assert!(is_test_path("web/app.spec.ts"));
        assert!(!is_test_path("src/settings.py"));
        assert!(!is_test_path("contest/main.py"));
    }

    #[test]
    fn foreign_allow_markers() {
        assert!(has_foreign_allow_marker(b"key = 'x' # gitleaks:allow"));
        assert!(has_foreign_allow_marker(
            b"k = 'x'  # pragma: allowlist secret"
        ));
        assert!(!has_foreign_allow_marker(b"k = 'x'  # allow"));
    }

    #[test]
    fn docs_paths() {
        assert!(is_docs_path("docs/topics/db/multi-db.txt"));
        assert!(is_docs_path("README.md"));
        assert!(!is_docs_path("src/docstring.py"));
        assert!(is_docs_path("deploy/.env.example"));
        assert!(is_docs_path("botocore/data/iam/2010-05-08/examples-1.json"));
    }

    #[test]
    fn percent_variables() {
        assert!(is_placeholder(b"%HOMEPATH%\\x"));
        assert!(!is_placeholder(b"q8Zr%2LkP0vX1mN4s"));
        let blob = format!(
            "IQoJb3JpZ2luX2Vj{}wEXAMPLEtMSJHMEUCIDoKK3JH9uGQE",
            "Qx7b".repeat(70)
        );
        assert!(is_placeholder(blob.as_bytes()));
    }
}
