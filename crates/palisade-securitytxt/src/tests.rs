use super::*;

const NOW: i64 = 1_795_910_400; // 2026-11-29

fn lint_str(text: &str) -> Lint {
    lint(
        "security.txt",
        text.as_bytes(),
        &Options {
            now: NOW,
            ..Options::default()
        },
    )
    .expect("lints")
}

fn messages(l: &Lint) -> Vec<String> {
    l.diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}: {}",
                d.level,
                d.line.map_or("-".to_owned(), |n| n.to_string()),
                d.message
            )
        })
        .collect()
}

fn good() -> String {
    generate(&Spec {
        contact: vec![
            "mailto:security@example.com".into(),
            "https://example.com/report".into(),
        ],
        expires: NOW + 300 * 86_400,
        encryption: vec!["https://example.com/pgp-key.txt".into()],
        canonical: vec!["https://example.com/.well-known/security.txt".into()],
        policy: vec!["https://example.com/disclosure".into()],
        preferred_languages: Some("en, de-CH".into()),
        ..Spec::default()
    })
}

#[test]
fn generated_file_lints_clean() {
    let text = good();
    insta::assert_snapshot!("generated", text);
    let l = lint_str(&text);
    assert!(l.is_valid(), "{:#?}", messages(&l));
    assert!(
        l.diagnostics.iter().all(|d| d.level == Level::Info),
        "{:#?}",
        messages(&l)
    );
    assert_eq!(l.fields.len(), 7);
    assert_eq!(l.signature, Signature::Unsigned);
}

#[test]
fn every_rule() {
    let text = "\
# comment
contact: http://example.com/report
Contact: not a uri
Expires: 2025-01-01T00:00:00Z
Expires: 2027-01-01T00:00:00Z
Encryption: http://example.com/key
Preferred-Languages: en, not_a_tag
Preferred-Languages: fr
Policy:https://example.com/p
X-Custom: hello
this line has no colon
Bad Name: x
";
    let l = lint_str(text);
    assert!(!l.is_valid());
    insta::assert_snapshot!("every_rule", messages(&l).join("\n"));
}

#[test]
fn required_fields_and_dates() {
    let l = lint_str("");
    let m = messages(&l);
    assert!(
        m.iter().any(|x| x.contains("Contact is required")),
        "{m:#?}"
    );
    assert!(
        m.iter().any(|x| x.contains("Expires is required")),
        "{m:#?}"
    );
    let l = lint_str("Contact: mailto:a@b.c\nExpires: 2028-06-01T00:00:00Z\n");
    assert!(l.is_valid(), "more than a year is a warning only");
    assert!(
        messages(&l)
            .iter()
            .any(|x| x.starts_with("warning 2: 2028-06-01T00:00:00Z is more than a year away"))
    );
    let l = lint_str("Contact: mailto:a@b.c\nExpires: 2027-02-30T00:00:00Z\n");
    assert!(
        messages(&l)
            .iter()
            .any(|x| x.contains("not an RFC 3339 date-time"))
    );
    assert_eq!(
        parse_rfc3339("2027-01-01T01:00:00.250+01:00"),
        parse_rfc3339("2027-01-01T00:00:00Z")
    );
    assert_eq!(format_rfc3339(NOW), "2026-11-29T00:00:00Z");
}

#[test]
fn canonical_and_location_are_checked_against_the_url() {
    let text = good();
    let o = Options {
        now: NOW,
        url: Some("https://other.example/.well-known/security.txt"),
        key: None,
    };
    let l = lint("security.txt", text.as_bytes(), &o).expect("lints");
    assert!(
        messages(&l)
            .iter()
            .any(|x| x.contains("which no Canonical field lists")),
        "{:#?}",
        messages(&l)
    );
    let o = Options {
        now: NOW,
        url: Some("https://example.com/.well-known/security.txt"),
        key: None,
    };
    assert!(
        lint("security.txt", text.as_bytes(), &o)
            .expect("lints")
            .is_valid()
    );
}

#[test]
fn bad_input_is_refused_clearly() {
    let e = lint("big.txt", &vec![b'#'; MAX_SIZE + 1], &Options::default()).expect_err("too big");
    assert!(
        e.to_string().starts_with("big.txt: 65537 bytes is over"),
        "{e}"
    );
    let e = lint("bin.txt", b"\xff\xfe\x00", &Options::default()).expect_err("binary");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
    let l = lint_str(
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.c\n-----BEGIN PGP SIGNATURE-----\ngarbage\n-----END PGP SIGNATURE-----\n",
    );
    assert!(!l.is_valid());
    assert!(
        matches!(l.signature, Signature::Invalid { .. }),
        "{:?}",
        l.signature
    );
}

mod signed {
    use super::*;
    use pgp::composed::{
        ArmorOptions, CleartextSignedMessage, KeyType, SecretKeyParamsBuilder, SignedSecretKey,
    };
    use pgp::types::Password;

    fn key(uid: &str) -> SignedSecretKey {
        let mut p = SecretKeyParamsBuilder::default();
        p.key_type(KeyType::Ed25519Legacy)
            .can_certify(true)
            .can_sign(true)
            .primary_user_id(uid.into());
        p.build()
            .expect("params")
            .generate(rand::thread_rng())
            .expect("generate")
    }

    fn sign(text: &str, k: &SignedSecretKey) -> String {
        CleartextSignedMessage::sign(rand::thread_rng(), text, &k.primary_key, &Password::empty())
            .expect("sign")
            .to_armored_string(ArmorOptions::default())
            .expect("armor")
    }

    fn public(k: &SignedSecretKey) -> String {
        k.to_public_key()
            .to_armored_string(ArmorOptions::default())
            .expect("armor")
    }

    #[test]
    fn a_signature_is_verified_with_the_key() {
        let k = key("Security <security@example.com>");
        let other = key("Someone Else <x@example.org>");
        let signed = sign(&good(), &k);
        assert!(signed.starts_with(SIGNED_HEADER));
        let pk = public(&k);
        let o = Options {
            now: NOW,
            url: None,
            key: Some(&pk),
        };
        let l = lint("security.txt", signed.as_bytes(), &o).expect("lints");
        assert!(
            matches!(l.signature, Signature::Valid { .. }),
            "{:?}",
            l.signature
        );
        assert!(l.is_valid(), "{:#?}", messages(&l));
        assert_eq!(l.fields.len(), 7, "the signed fields are read");
        assert_eq!(l.fields[0].line, 5, "lines count in the signed file");

        // Without a key: parsed, not verified (a warning).
        let l = lint(
            "security.txt",
            signed.as_bytes(),
            &Options {
                now: NOW,
                ..Options::default()
            },
        )
        .expect("lints");
        assert_eq!(l.signature, Signature::Unverified);

        // The wrong key, or a changed text: invalid.
        let opk = public(&other);
        let o = Options {
            now: NOW,
            url: None,
            key: Some(&opk),
        };
        let l = lint("security.txt", signed.as_bytes(), &o).expect("lints");
        assert!(matches!(l.signature, Signature::Invalid { .. }));
        assert!(!l.is_valid());
        let tampered = signed.replace(
            "mailto:security@example.com",
            "mailto:attacker@evil.example",
        );
        let o = Options {
            now: NOW,
            url: None,
            key: Some(&pk),
        };
        let l = lint("security.txt", tampered.as_bytes(), &o).expect("lints");
        assert!(
            matches!(l.signature, Signature::Invalid { .. }),
            "{:?}",
            l.signature
        );
        assert!(!l.is_valid());

        let e = lint(
            "security.txt",
            signed.as_bytes(),
            &Options {
                now: NOW,
                url: None,
                key: Some("not a key"),
            },
        )
        .expect_err("bad key");
        assert!(
            e.to_string().starts_with("the public key does not read"),
            "{e}"
        );
    }
}
