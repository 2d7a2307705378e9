//! All material is generated here: a CA (P-256 root, P-384 intermediate), Fulcio-style
//! leaf certificates, a log key, Merkle trees, checkpoints, signed entry timestamps and
//! bundles v0.1-v0.3; then every way to break them.

use std::str::FromStr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use der::Encode;
use der::asn1::{
    BitString, Ia5String, ObjectIdentifier as Oid, OctetString, UtcTime, Utf8StringRef,
};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::signature::hazmat::PrehashSigner;
use palisade_verify::merkle::{leaf_hash, node_hash};
use palisade_verify::provenance::ProvenancePolicy;
use palisade_verify::{Error, Identity, Policy, TrustedRoot};
use serde_json::{Value, json};
use sha2::{Digest, Sha256, Sha384};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::certificate::{Certificate, TbsCertificate, Version};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::time::{Time, Validity};

const T0: u64 = 1_800_000_000;
const IDENTITY: &str = "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";
const ARTIFACT: &[u8] = b"palisade test artifact\n";

fn p256_key(seed: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("key")
}
fn p384_key(seed: u8) -> p384::ecdsa::SigningKey {
    p384::ecdsa::SigningKey::from_slice(&[seed; 48]).expect("key")
}

fn ec_spki(curve: &str, point: &[u8]) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap("1.2.840.10045.2.1"),
            parameters: Some(der::Any::from(Oid::new_unwrap(curve))),
        },
        subject_public_key: BitString::from_bytes(point).expect("bits"),
    }
}

fn p256_spki(k: &p256::ecdsa::SigningKey) -> SubjectPublicKeyInfoOwned {
    ec_spki(
        "1.2.840.10045.3.1.7",
        k.verifying_key().to_encoded_point(false).as_bytes(),
    )
}

enum Signer_ {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl Signer_ {
    fn spki(&self) -> SubjectPublicKeyInfoOwned {
        match self {
            Signer_::P256(k) => p256_spki(k),
            Signer_::P384(k) => ec_spki(
                "1.3.132.0.34",
                k.verifying_key().to_encoded_point(false).as_bytes(),
            ),
        }
    }
    fn alg(&self) -> AlgorithmIdentifierOwned {
        let oid = match self {
            Signer_::P256(_) => "1.2.840.10045.4.3.2",
            Signer_::P384(_) => "1.2.840.10045.4.3.3",
        };
        AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap(oid),
            parameters: None,
        }
    }
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        match self {
            Signer_::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(msg);
                s.to_der().as_bytes().to_vec()
            }
            Signer_::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign_prehash(&Sha384::digest(msg)).expect("sign");
                s.to_der().as_bytes().to_vec()
            }
        }
    }
}

fn ext<T: Encode>(oid: &str, v: &T) -> Extension {
    Extension {
        extn_id: Oid::new_unwrap(oid),
        critical: false,
        extn_value: OctetString::new(v.to_der().expect("der")).expect("octets"),
    }
}

fn utc(t: u64) -> Time {
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(t)).expect("time"))
}

#[allow(clippy::too_many_arguments)]
fn make_cert(
    subject: &str,
    issuer: &str,
    subject_key: &SubjectPublicKeyInfoOwned,
    signer: &Signer_,
    from: u64,
    to: u64,
    exts: Vec<Extension>,
) -> Vec<u8> {
    let tbs = TbsCertificate {
        version: Version::V3,
        serial_number: SerialNumber::new(&[7, 1]).expect("serial"),
        signature: signer.alg(),
        issuer: Name::from_str(issuer).expect("name"),
        validity: Validity {
            not_before: utc(from),
            not_after: utc(to),
        },
        subject: Name::from_str(subject).expect("name"),
        subject_public_key_info: subject_key.clone(),
        issuer_unique_id: None,
        subject_unique_id: None,
        extensions: Some(exts),
    };
    let sig = signer.sign(&tbs.to_der().expect("tbs"));
    Certificate {
        tbs_certificate: tbs,
        signature_algorithm: signer.alg(),
        signature: BitString::from_bytes(&sig).expect("bits"),
    }
    .to_der()
    .expect("cert")
}

fn ca_ext() -> Extension {
    ext(
        "2.5.29.19",
        &BasicConstraints {
            ca: true,
            path_len_constraint: None,
        },
    )
}

fn leaf_exts(identity: &str, issuer: &str) -> Vec<Extension> {
    vec![
        ext(
            "2.5.29.17",
            &SubjectAltName(vec![GeneralName::UniformResourceIdentifier(
                Ia5String::new(identity).expect("ia5"),
            )]),
        ),
        ext(
            "2.5.29.37",
            &ExtendedKeyUsage(vec![Oid::new_unwrap("1.3.6.1.5.5.7.3.3")]),
        ),
        ext(
            "1.3.6.1.4.1.57264.1.8",
            &Utf8StringRef::new(issuer).expect("utf8"),
        ),
    ]
}

// ------------------------------------------------------------------ Merkle tree (RFC 6962)

fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let k = split(leaves.len());
    node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
}
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}
fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    if leaves.len() == 1 {
        return vec![];
    }
    let k = split(leaves.len());
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

// ------------------------------------------------------------------ the fixture

struct Fx {
    inter_key: Signer_,
    root_der: Vec<u8>,
    inter_der: Vec<u8>,
    log_key: p256::ecdsa::SigningKey,
}

#[derive(Clone)]
struct Opts {
    version: &'static str,
    dsse: Option<Value>,
    integrated_time: u64,
    identity: &'static str,
    /// The digest written into the log entry (default: the artifact's).
    logged_artifact: &'static [u8],
    /// Sign the artifact with another key than the certificate's.
    wrong_signing_key: bool,
    /// Sign the checkpoint with another key than the log's.
    wrong_checkpoint_key: bool,
    /// Leaf issued by an unrelated CA.
    rogue_ca: bool,
    leaf_index: usize,
    tree_size: usize,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            version: "application/vnd.dev.sigstore.bundle.v0.3+json",
            dsse: None,
            integrated_time: T0 + 60,
            identity: IDENTITY,
            logged_artifact: ARTIFACT,
            wrong_signing_key: false,
            wrong_checkpoint_key: false,
            rogue_ca: false,
            leaf_index: 5,
            tree_size: 7,
        }
    }
}

fn log_spki(k: &p256::ecdsa::SigningKey) -> Vec<u8> {
    p256_spki(k).to_der().expect("der")
}

impl Fx {
    fn new() -> Fx {
        let root_key = Signer_::P256(p256_key(1));
        let inter_key = Signer_::P384(p384_key(2));
        let root_der = make_cert(
            "CN=test-root,O=palisade",
            "CN=test-root,O=palisade",
            &root_key.spki(),
            &root_key,
            T0 - 86_400,
            T0 + 10 * 86_400,
            vec![ca_ext()],
        );
        let inter_der = make_cert(
            "CN=test-intermediate,O=palisade",
            "CN=test-root,O=palisade",
            &inter_key.spki(),
            &root_key,
            T0 - 86_400,
            T0 + 10 * 86_400,
            vec![ca_ext()],
        );
        Fx {
            inter_key,
            root_der,
            inter_der,
            log_key: p256_key(9),
        }
    }

    fn trusted_root(&self) -> Vec<u8> {
        let spki = log_spki(&self.log_key);
        serde_json::to_vec(&json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [{
                "baseUrl": "https://log.test",
                "hashAlgorithm": "SHA2_256",
                "publicKey": {"rawBytes": B64.encode(&spki), "keyDetails": "PKIX_ECDSA_P256_SHA_256"},
                "logId": {"keyId": B64.encode(Sha256::digest(&spki))}
            }],
            "certificateAuthorities": [{
                "subject": {"organization": "palisade", "commonName": "test"},
                "certChain": {"certificates": [{"rawBytes": B64.encode(&self.inter_der)}, {"rawBytes": B64.encode(&self.root_der)}]},
                "validFor": {"start": "2020-01-01T00:00:00Z"}
            }]
        }))
        .expect("json")
    }

    fn bundle(&self, o: &Opts) -> Value {
        let leaf_key = p256_key(3);
        let leaf_spki = p256_spki(&leaf_key);
        let leaf_der = if o.rogue_ca {
            let rogue = Signer_::P384(p384_key(4));
            make_cert(
                "CN=sigstore",
                "CN=test-intermediate,O=palisade",
                &leaf_spki,
                &rogue,
                T0,
                T0 + 600,
                leaf_exts(o.identity, ISSUER),
            )
        } else {
            make_cert(
                "CN=sigstore",
                "CN=test-intermediate,O=palisade",
                &leaf_spki,
                &self.inter_key,
                T0,
                T0 + 600,
                leaf_exts(o.identity, ISSUER),
            )
        };
        let signing = if o.wrong_signing_key {
            p256_key(5)
        } else {
            leaf_key
        };
        let pem_b64 = B64.encode(palisade_verify::cert_pem(&leaf_der));

        let (content_key, content, body) = if let Some(st) = &o.dsse {
            let payload = serde_json::to_vec(st).expect("json");
            let ptype = "application/vnd.in-toto+json";
            let sig: p256::ecdsa::Signature = signing.sign(&palisade_verify::pae(ptype, &payload));
            let sig = sig.to_der().as_bytes().to_vec();
            let env = json!({"payload": B64.encode(&payload), "payloadType": ptype, "signatures": [{"sig": B64.encode(&sig), "keyid": ""}]});
            let body = json!({"apiVersion": "0.0.1", "kind": "dsse", "spec": {
                "envelopeHash": {"algorithm": "sha256", "value": hex::encode(Sha256::digest(serde_json::to_vec(&env).expect("json")))},
                "payloadHash": {"algorithm": "sha256", "value": hex::encode(Sha256::digest(&payload))},
                "signatures": [{"signature": B64.encode(&sig), "verifier": pem_b64}]}});
            ("dsseEnvelope", env, body)
        } else {
            let digest = Sha256::digest(ARTIFACT);
            let sig: p256::ecdsa::Signature = signing.sign(ARTIFACT);
            let sig = sig.to_der().as_bytes().to_vec();
            let ms = json!({"messageDigest": {"algorithm": "SHA2_256", "digest": B64.encode(digest)}, "signature": B64.encode(&sig)});
            let body = json!({"apiVersion": "0.0.1", "kind": "hashedrekord", "spec": {
                "data": {"hash": {"algorithm": "sha256", "value": hex::encode(Sha256::digest(o.logged_artifact))}},
                "signature": {"content": B64.encode(&sig), "publicKey": {"content": pem_b64}}}});
            ("messageSignature", ms, body)
        };
        let body_bytes = serde_json::to_vec(&body).expect("json");
        let body_b64 = B64.encode(&body_bytes);

        // The log: our entry among others.
        let mut leaves: Vec<[u8; 32]> = (0..o.tree_size)
            .map(|i| leaf_hash(format!("other entry {i}").as_bytes()))
            .collect();
        leaves[o.leaf_index] = leaf_hash(&body_bytes);
        let root = mth(&leaves);
        let proof = path(o.leaf_index, &leaves);
        let spki = log_spki(&self.log_key);
        let log_id = Sha256::digest(&spki);
        let note = format!("log.test - 42\n{}\n{}\n", o.tree_size, B64.encode(root));
        let cp_key = if o.wrong_checkpoint_key {
            p256_key(8)
        } else {
            self.log_key.clone()
        };
        let cp_sig: p256::ecdsa::Signature = cp_key.sign(note.as_bytes());
        let mut hint_sig = log_id[..4].to_vec();
        hint_sig.extend_from_slice(cp_sig.to_der().as_bytes());
        let envelope = format!("{note}\n\u{2014} log.test {}\n", B64.encode(&hint_sig));
        let log_index = 1000 + o.leaf_index as u64;
        let set_payload = palisade_verify::set_payload(
            &body_b64,
            o.integrated_time,
            &hex::encode(log_id),
            log_index,
        );
        let set: p256::ecdsa::Signature = self.log_key.sign(set_payload.as_bytes());

        let mut entry = json!({
            "logIndex": log_index.to_string(),
            "logId": {"keyId": B64.encode(log_id)},
            "kindVersion": {"kind": body["kind"], "version": "0.0.1"},
            "integratedTime": o.integrated_time.to_string(),
            "inclusionPromise": {"signedEntryTimestamp": B64.encode(set.to_der().as_bytes())},
            "inclusionProof": {
                "logIndex": o.leaf_index.to_string(),
                "rootHash": B64.encode(root),
                "treeSize": o.tree_size.to_string(),
                "hashes": proof.iter().map(|h| B64.encode(h)).collect::<Vec<_>>(),
                "checkpoint": {"envelope": envelope}
            },
            "canonicalizedBody": body_b64
        });
        let mut vm = json!({"tlogEntries": []});
        if o.version.contains("0.1") {
            entry.as_object_mut().expect("obj").remove("inclusionProof");
        }
        vm["tlogEntries"] = json!([entry]);
        if o.version.contains("0.3") {
            vm["certificate"] = json!({"rawBytes": B64.encode(&leaf_der)});
        } else {
            vm["x509CertificateChain"] =
                json!({"certificates": [{"rawBytes": B64.encode(&leaf_der)}]});
        }
        let mut b = json!({"mediaType": o.version, "verificationMaterial": vm});
        b[content_key] = content;
        b
    }
}

fn statement(digest_hex: &str, builder: &str, repo: &str, git_ref: &str) -> Value {
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "artifact.tar.gz", "digest": {"sha256": digest_hex}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
                "externalParameters": {"workflow": {"ref": git_ref, "repository": repo, "path": ".github/workflows/release.yml"}},
                "resolvedDependencies": [{"uri": format!("git+{repo}@{git_ref}"), "digest": {"gitCommit": "0000000000000000000000000000000000000001"}}]
            },
            "runDetails": {"builder": {"id": builder}, "metadata": {"invocationId": "1"}}
        }
    })
}

fn artifact_hex() -> String {
    hex::encode(Sha256::digest(ARTIFACT))
}

fn run(
    fx: &Fx,
    bundle: &Value,
    artifact: &[u8],
    policy: &Policy,
) -> Result<palisade_verify::Verified, Error> {
    let root = TrustedRoot::from_json(&fx.trusted_root()).expect("root");
    palisade_verify::verify(
        artifact,
        &serde_json::to_vec(bundle).expect("json"),
        &root,
        policy,
    )
}

fn strict() -> Policy {
    Policy {
        identity: Some(Identity::Exact(IDENTITY.into())),
        issuer: Some(ISSUER.into()),
    }
}

// ------------------------------------------------------------------ positive

#[test]
fn every_bundle_version_verifies() {
    let fx = Fx::new();
    for version in [
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
    ] {
        let b = fx.bundle(&Opts {
            version,
            ..Opts::default()
        });
        let v = run(&fx, &b, ARTIFACT, &strict()).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert_eq!(v.identity, IDENTITY);
        assert_eq!(v.issuer, ISSUER);
        assert_eq!(v.sha256, artifact_hex());
        assert_eq!(v.log_index, 1005);
    }
}

#[test]
fn inclusion_proofs_verify_for_every_position_and_size() {
    let fx = Fx::new();
    for size in [1usize, 2, 3, 4, 5, 8, 13] {
        for index in 0..size {
            let b = fx.bundle(&Opts {
                leaf_index: index,
                tree_size: size,
                ..Opts::default()
            });
            run(&fx, &b, ARTIFACT, &strict()).unwrap_or_else(|e| panic!("{index}/{size}: {e}"));
        }
    }
}

#[test]
fn identity_regex_must_match_the_whole_identity() {
    let fx = Fx::new();
    let b = fx.bundle(&Opts::default());
    let ok = Policy {
        identity: Some(Identity::Regex(
            regex::Regex::new(r"https://github\.com/org/repo/\.github/workflows/.*").expect("re"),
        )),
        issuer: None,
    };
    run(&fx, &b, ARTIFACT, &ok).expect("matches");
    let partial = Policy {
        identity: Some(Identity::Regex(
            regex::Regex::new(r"github\.com/org").expect("re"),
        )),
        issuer: None,
    };
    assert!(matches!(
        run(&fx, &b, ARTIFACT, &partial),
        Err(Error::IdentityMismatch { .. })
    ));
}

#[test]
fn dsse_provenance_verifies_and_is_checked_against_policy() {
    let fx = Fx::new();
    let builder = "https://github.com/actions/runner/github-hosted";
    let st = statement(
        &artifact_hex(),
        builder,
        "https://github.com/org/repo",
        "refs/heads/main",
    );
    let b = fx.bundle(&Opts {
        dsse: Some(st),
        ..Opts::default()
    });
    let v = run(&fx, &b, ARTIFACT, &strict()).expect("verifies");
    let st = v.statement.expect("statement");
    let policy = |yaml: &str| ProvenancePolicy::from_yaml(yaml).expect("policy");
    let good = policy(&format!(
        "builder_id: {builder}\nsource_repository: git+https://github.com/org/repo\nsource_ref: refs/heads/main\n"
    ));
    palisade_verify::provenance::check(&st, &artifact_hex(), &good).expect("policy holds");

    let mut out = Vec::new();
    for (name, yaml) in [
        (
            "wrong builder",
            "builder_id: https://evil.test/builder\nsource_repository: https://github.com/org/repo\n"
                .to_owned(),
        ),
        (
            "wrong repo",
            format!("builder_id: {builder}\nsource_repository: https://github.com/org/fork\n"),
        ),
        (
            "wrong ref",
            format!(
                "builder_id: {builder}\nsource_repository: https://github.com/org/repo\nsource_ref: refs/heads/dev\n"
            ),
        ),
    ] {
        let e = palisade_verify::provenance::check(&st, &artifact_hex(), &policy(&yaml))
            .expect_err(name);
        assert!(matches!(e, Error::ProvenanceMismatch(_)), "{name}: {e}");
        out.push(format!("{name}: {e}"));
    }
    let e = palisade_verify::provenance::check(&st, &"0".repeat(64), &good).expect_err("digest");
    out.push(format!("other artifact: {e}"));
    for yaml in [
        "builder_id: [1, 2]\n",
        "builder_id: x\nsource_repository: y\nextra: 1\n",
        "{{{",
    ] {
        let e = ProvenancePolicy::from_yaml(yaml).expect_err("malformed");
        assert!(matches!(e, Error::MalformedPolicy(_)), "{e}");
    }
    insta::assert_snapshot!(out.join("\n"));
}

// ------------------------------------------------------------------ negative: one distinct error each

fn mutate(mut b: Value, pointer: &str, v: Value) -> Value {
    *b.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}")) = v;
    b
}

/// Name, bundle, artifact, policy, the expected error.
type Case = (
    &'static str,
    Value,
    &'static [u8],
    Policy,
    fn(&Error) -> bool,
);

#[test]
fn every_failure_is_a_distinct_typed_error() {
    let fx = Fx::new();
    let good = fx.bundle(&Opts::default());
    let v01 = fx.bundle(&Opts {
        version: "application/vnd.dev.sigstore.bundle+json;version=0.1",
        ..Opts::default()
    });
    let tampered_hash = {
        let h = good
            .pointer("/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0")
            .and_then(Value::as_str)
            .expect("hash");
        let mut raw = B64.decode(h).expect("b64");
        raw[0] ^= 1;
        mutate(
            good.clone(),
            "/verificationMaterial/tlogEntries/0/inclusionProof/hashes/0",
            json!(B64.encode(raw)),
        )
    };
    let dsse_other_subject = fx.bundle(&Opts {
        dsse: Some(statement(&"ab".repeat(32), "b", "r", "x")),
        ..Opts::default()
    });
    let dsse_not_statement = fx.bundle(&Opts {
        dsse: Some(json!({"hello": "world"})),
        ..Opts::default()
    });

    let wrong_identity = Policy {
        identity: Some(Identity::Exact(
            "https://github.com/evil/repo/.github/workflows/x.yml@refs/heads/main".into(),
        )),
        issuer: None,
    };
    let wrong_issuer = Policy {
        identity: None,
        issuer: Some("https://accounts.google.com".into()),
    };
    let cases: Vec<Case> = vec![
        (
            "wrong digest",
            good.clone(),
            b"another artifact",
            strict(),
            |e| matches!(e, Error::DigestMismatch { .. }),
        ),
        (
            "wrong identity",
            good.clone(),
            ARTIFACT,
            wrong_identity,
            |e| matches!(e, Error::IdentityMismatch { .. }),
        ),
        ("wrong issuer", good.clone(), ARTIFACT, wrong_issuer, |e| {
            matches!(e, Error::IssuerMismatch { .. })
        }),
        (
            "expired certificate",
            fx.bundle(&Opts {
                integrated_time: T0 + 601,
                ..Opts::default()
            }),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::CertificateExpired { .. }),
        ),
        (
            "not yet valid certificate",
            fx.bundle(&Opts {
                integrated_time: T0 - 1,
                ..Opts::default()
            }),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::CertificateExpired { .. }),
        ),
        (
            "bad inclusion proof",
            tampered_hash,
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BadInclusionProof(_)),
        ),
        (
            "proof index beyond tree",
            mutate(
                good.clone(),
                "/verificationMaterial/tlogEntries/0/inclusionProof/treeSize",
                json!("5"),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BadInclusionProof(_)),
        ),
        (
            "checkpoint signed by another key",
            fx.bundle(&Opts {
                wrong_checkpoint_key: true,
                ..Opts::default()
            }),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BadCheckpoint(_)),
        ),
        (
            "bad signed entry timestamp",
            mutate(
                v01.clone(),
                "/verificationMaterial/tlogEntries/0/integratedTime",
                json!((T0 + 61).to_string()),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BadEntryTimestamp(_)),
        ),
        (
            "log entry for another artifact",
            fx.bundle(&Opts {
                logged_artifact: b"something else",
                ..Opts::default()
            }),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BundleMismatch(_)),
        ),
        (
            "bundle signature differs from the logged one",
            mutate(
                good.clone(),
                "/messageSignature/signature",
                json!(B64.encode({
                    let s: p256::ecdsa::Signature = p256_key(3).sign(b"x");
                    s.to_der().as_bytes().to_vec()
                })),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BundleMismatch(_)),
        ),
        (
            "signature by another key",
            fx.bundle(&Opts {
                wrong_signing_key: true,
                ..Opts::default()
            }),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::BadSignature(_)),
        ),
        (
            "certificate from an untrusted CA",
            fx.bundle(&Opts {
                rogue_ca: true,
                ..Opts::default()
            }),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::UntrustedCertificate(_)),
        ),
        (
            "unknown log",
            mutate(
                good.clone(),
                "/verificationMaterial/tlogEntries/0/logId/keyId",
                json!(B64.encode([0u8; 32])),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::UnknownLog(_)),
        ),
        (
            "dsse statement for another artifact",
            dsse_other_subject,
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::DigestMismatch { .. }),
        ),
        (
            "dsse payload not a statement",
            dsse_not_statement,
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedStatement(_)),
        ),
        (
            "unknown media type",
            mutate(
                good.clone(),
                "/mediaType",
                json!("application/vnd.dev.sigstore.bundle+json;version=9"),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::UnsupportedMediaType(_)),
        ),
        (
            "v0.2 without inclusion proof",
            mutate(
                v01.clone(),
                "/mediaType",
                json!("application/vnd.dev.sigstore.bundle+json;version=0.2"),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedBundle(_)),
        ),
        (
            "certificate is garbage",
            mutate(
                good.clone(),
                "/verificationMaterial/certificate/rawBytes",
                json!(B64.encode(b"\x30\x03\x02\x01\x01")),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedCertificate(_)),
        ),
        (
            "certificate not base64",
            mutate(
                good.clone(),
                "/verificationMaterial/certificate/rawBytes",
                json!("***"),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedBundle(_)),
        ),
        (
            "no tlog entries",
            mutate(good.clone(), "/verificationMaterial/tlogEntries", json!([])),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedBundle(_)),
        ),
        (
            "log index not a number",
            mutate(
                good.clone(),
                "/verificationMaterial/tlogEntries/0/logIndex",
                json!("ten"),
            ),
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedBundle(_)),
        ),
        (
            "no content",
            {
                let mut b = good.clone();
                b.as_object_mut().expect("obj").remove("messageSignature");
                b
            },
            ARTIFACT,
            strict(),
            |e| matches!(e, Error::MalformedBundle(_)),
        ),
    ];
    let mut out = Vec::new();
    for (name, bundle, artifact, policy, want) in cases {
        let e = run(&fx, &bundle, artifact, &policy).expect_err(name);
        assert!(want(&e), "{name}: unexpected {e:?}");
        out.push(format!("{name}: {e}"));
    }
    let root = TrustedRoot::from_json(&fx.trusted_root()).expect("root");
    for (name, bytes) in [
        ("not json", &b"{"[..]),
        ("array", b"[]"),
        ("empty object", b"{}"),
    ] {
        let e = palisade_verify::verify(ARTIFACT, bytes, &root, &strict()).expect_err(name);
        assert!(matches!(e, Error::MalformedBundle(_)), "{name}: {e}");
        out.push(format!("bundle {name}: {e}"));
    }
    for (name, bytes) in [("not json", &b"nope"[..]), ("wrong media type", br#"{"mediaType":"x"}"#), ("no CA", br#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[]}"#)] {
        let e = TrustedRoot::from_json(bytes).expect_err(name);
        assert!(matches!(e, Error::MalformedTrustedRoot(_)), "{name}: {e}");
        out.push(format!("trusted root {name}: {e}"));
    }
    insta::assert_snapshot!(out.join("\n"));
}

#[test]
fn hostile_proofs_and_limits_fail_cleanly() {
    use palisade_verify::merkle::verify_inclusion;
    let leaf = leaf_hash(b"x");
    let long: Vec<Vec<u8>> = (0..65).map(|_| vec![0u8; 32]).collect();
    assert!(verify_inclusion(0, u64::MAX, &leaf, &long, &[0u8; 32]).is_err());
    assert!(verify_inclusion(0, 2, &leaf, &[vec![0u8; 31]], &[0u8; 32]).is_err());
    assert!(verify_inclusion(3, 3, &leaf, &[], &leaf).is_err());
    assert!(verify_inclusion(0, 0, &leaf, &[], &leaf).is_err());
    // A single-leaf tree: the leaf is the root, and any extra hash is refused.
    assert!(verify_inclusion(0, 1, &leaf, &[], &leaf).is_ok());
    assert!(verify_inclusion(0, 1, &leaf, &[vec![0u8; 32]], &leaf).is_err());

    let fx = Fx::new();
    let root = TrustedRoot::from_json(&fx.trusted_root()).expect("root");
    let huge = vec![b' '; palisade_verify::MAX_DOCUMENT + 1];
    assert!(matches!(
        palisade_verify::verify(ARTIFACT, &huge, &root, &strict()),
        Err(Error::MalformedBundle(_))
    ));
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(matches!(
        palisade_verify::verify(ARTIFACT, deep.as_bytes(), &root, &strict()),
        Err(Error::MalformedBundle(_))
    ));
    // A checkpoint without signature lines, and one whose size disagrees with the proof.
    let good = fx.bundle(&Opts::default());
    let env = good
        .pointer("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope")
        .and_then(Value::as_str)
        .expect("cp")
        .to_owned();
    let unsigned = env.split("\n\n").next().expect("note").to_owned() + "\n\n";
    let b = mutate(
        good.clone(),
        "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope",
        json!(unsigned),
    );
    assert!(matches!(
        run(&fx, &b, ARTIFACT, &strict()),
        Err(Error::BadCheckpoint(_))
    ));
    let resized = env.replacen("\n7\n", "\n8\n", 1);
    let b = mutate(
        good,
        "/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope",
        json!(resized),
    );
    assert!(matches!(
        run(&fx, &b, ARTIFACT, &strict()),
        Err(Error::BadCheckpoint(_))
    ));
}
