//! Test material, generated (feature `testkit`; for tests only, panics on misuse): a CA
//! (P-256 root, P-384 intermediate), Fulcio-style leaf certificates, a log key, RFC 6962
//! Merkle trees, checkpoints, signed entry timestamps and bundles v0.1-v0.3, with knobs
//! ([`Opts`]) that break each of them.
#![allow(
    clippy::expect_used,
    clippy::missing_panics_doc,
    clippy::new_without_default
)]

use std::str::FromStr;
use std::time::Duration;

use crate::merkle::{leaf_hash, node_hash};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use der::Encode;
use der::asn1::{
    BitString, Ia5String, ObjectIdentifier as Oid, OctetString, UtcTime, Utf8StringRef,
};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::signature::hazmat::PrehashSigner;
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

pub const T0: u64 = 1_800_000_000;
pub const IDENTITY: &str =
    "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main";
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const ARTIFACT: &[u8] = b"palisade test artifact\n";

pub fn p256_key(seed: u8) -> p256::ecdsa::SigningKey {
    p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("key")
}
pub fn p384_key(seed: u8) -> p384::ecdsa::SigningKey {
    p384::ecdsa::SigningKey::from_slice(&[seed; 48]).expect("key")
}

pub fn ec_spki(curve: &str, point: &[u8]) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap("1.2.840.10045.2.1"),
            parameters: Some(der::Any::from(Oid::new_unwrap(curve))),
        },
        subject_public_key: BitString::from_bytes(point).expect("bits"),
    }
}

pub fn p256_spki(k: &p256::ecdsa::SigningKey) -> SubjectPublicKeyInfoOwned {
    ec_spki(
        "1.2.840.10045.3.1.7",
        k.verifying_key().to_encoded_point(false).as_bytes(),
    )
}

pub enum Signer_ {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

impl Signer_ {
    pub fn spki(&self) -> SubjectPublicKeyInfoOwned {
        match self {
            Signer_::P256(k) => p256_spki(k),
            Signer_::P384(k) => ec_spki(
                "1.3.132.0.34",
                k.verifying_key().to_encoded_point(false).as_bytes(),
            ),
        }
    }
    pub fn alg(&self) -> AlgorithmIdentifierOwned {
        let oid = match self {
            Signer_::P256(_) => "1.2.840.10045.4.3.2",
            Signer_::P384(_) => "1.2.840.10045.4.3.3",
        };
        AlgorithmIdentifierOwned {
            oid: Oid::new_unwrap(oid),
            parameters: None,
        }
    }
    pub fn sign(&self, msg: &[u8]) -> Vec<u8> {
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

pub fn ext<T: Encode>(oid: &str, v: &T) -> Extension {
    Extension {
        extn_id: Oid::new_unwrap(oid),
        critical: false,
        extn_value: OctetString::new(v.to_der().expect("der")).expect("octets"),
    }
}

pub fn utc(t: u64) -> Time {
    Time::UtcTime(UtcTime::from_unix_duration(Duration::from_secs(t)).expect("time"))
}

#[allow(clippy::too_many_arguments)]
pub fn make_cert(
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

pub fn ca_ext() -> Extension {
    ext(
        "2.5.29.19",
        &BasicConstraints {
            ca: true,
            path_len_constraint: None,
        },
    )
}

pub fn leaf_exts(identity: &str, issuer: &str) -> Vec<Extension> {
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

pub fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let k = split(leaves.len());
    node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
}
pub fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}
pub fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
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

pub struct Fx {
    pub inter_key: Signer_,
    pub root_der: Vec<u8>,
    pub inter_der: Vec<u8>,
    pub log_key: p256::ecdsa::SigningKey,
}

/// The leaf (signing) key type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeafKey {
    P256,
    /// RSA 2048, PKCS#1 v1.5 with SHA-256.
    RsaPkcs1,
    /// RSA 2048, PSS with SHA-256.
    RsaPss,
    Ed25519,
}

/// Signs a message, returning the signature bytes.
type SignFn = Box<dyn Fn(&[u8]) -> Vec<u8>>;

/// A generated leaf key: its SPKI and a signer over messages.
struct LeafSigner {
    spki_der: Vec<u8>,
    sign: SignFn,
}

fn leaf_signer(kind: LeafKey, seed: u8) -> LeafSigner {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::KeyPair as _;
    match kind {
        LeafKey::P256 => {
            let k = p256_key(seed);
            LeafSigner {
                spki_der: p256_spki(&k).to_der().expect("der"),
                sign: Box::new(move |m| {
                    let s: p256::ecdsa::Signature = k.sign(m);
                    s.to_der().as_bytes().to_vec()
                }),
            }
        }
        LeafKey::RsaPkcs1 | LeafKey::RsaPss => {
            let k = aws_lc_rs::signature::RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
                .expect("rsa");
            let spki_der = k.public_key().as_der().expect("der").as_ref().to_vec();
            let enc: &'static dyn aws_lc_rs::signature::RsaEncoding = if kind == LeafKey::RsaPss {
                &aws_lc_rs::signature::RSA_PSS_SHA256
            } else {
                &aws_lc_rs::signature::RSA_PKCS1_SHA256
            };
            LeafSigner {
                spki_der,
                sign: Box::new(move |m| {
                    let mut sig = vec![0; k.public_modulus_len()];
                    k.sign(enc, &aws_lc_rs::rand::SystemRandom::new(), m, &mut sig)
                        .expect("sign");
                    sig
                }),
            }
        }
        LeafKey::Ed25519 => {
            let k = aws_lc_rs::signature::Ed25519KeyPair::generate().expect("ed25519");
            let spki_der = k.public_key().as_der().expect("der").as_ref().to_vec();
            LeafSigner {
                spki_der,
                sign: Box::new(move |m| k.sign(m).as_ref().to_vec()),
            }
        }
    }
}

#[derive(Clone)]
pub struct Opts {
    pub version: &'static str,
    pub dsse: Option<Value>,
    pub integrated_time: u64,
    pub identity: &'static str,
    /// The digest written into the log entry (default: the artifact's).
    pub logged_artifact: &'static [u8],
    /// Sign the artifact with another key than the certificate's.
    pub wrong_signing_key: bool,
    /// Sign the checkpoint with another key than the log's.
    pub wrong_checkpoint_key: bool,
    /// Leaf issued by an unrelated CA.
    pub rogue_ca: bool,
    pub leaf_index: usize,
    pub tree_size: usize,
    /// The leaf certificate's key type.
    pub leaf_key: LeafKey,
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
            leaf_key: LeafKey::P256,
        }
    }
}

pub fn log_spki(k: &p256::ecdsa::SigningKey) -> Vec<u8> {
    p256_spki(k).to_der().expect("der")
}

impl Fx {
    pub fn new() -> Fx {
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

    pub fn trusted_root(&self) -> Vec<u8> {
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

    pub fn bundle(&self, o: &Opts) -> Value {
        use der::Decode as _;
        let leaf = leaf_signer(o.leaf_key, 3);
        let leaf_spki = SubjectPublicKeyInfoOwned::from_der(&leaf.spki_der).expect("spki");
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
            leaf_signer(o.leaf_key, 5)
        } else {
            leaf
        };
        let pem_b64 = B64.encode(crate::cert_pem(&leaf_der));

        let (content_key, content, body) = if let Some(st) = &o.dsse {
            let payload = serde_json::to_vec(st).expect("json");
            let ptype = "application/vnd.in-toto+json";
            let sig = (signing.sign)(&crate::pae(ptype, &payload));
            let env = json!({"payload": B64.encode(&payload), "payloadType": ptype, "signatures": [{"sig": B64.encode(&sig), "keyid": ""}]});
            let body = json!({"apiVersion": "0.0.1", "kind": "dsse", "spec": {
                "envelopeHash": {"algorithm": "sha256", "value": hex::encode(Sha256::digest(serde_json::to_vec(&env).expect("json")))},
                "payloadHash": {"algorithm": "sha256", "value": hex::encode(Sha256::digest(&payload))},
                "signatures": [{"signature": B64.encode(&sig), "verifier": pem_b64}]}});
            ("dsseEnvelope", env, body)
        } else {
            let digest = Sha256::digest(ARTIFACT);
            let sig = (signing.sign)(ARTIFACT);
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
        let set_payload = crate::set_payload(
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

pub fn statement(digest_hex: &str, builder: &str, repo: &str, git_ref: &str) -> Value {
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

pub fn artifact_hex() -> String {
    hex::encode(Sha256::digest(ARTIFACT))
}
