//! X.509: the signing certificate, its chain to a trusted CA, ECDSA signatures.

use der::asn1::{ObjectIdentifier as Oid, Utf8StringRef};
use der::{Decode, Encode};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, SubjectAltName};

use crate::{Error, Result, TrustedRoot, unix};

const SAN: Oid = Oid::new_unwrap("2.5.29.17");
const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
const EKU: Oid = Oid::new_unwrap("2.5.29.37");
const CODE_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.3");
/// Fulcio: OIDC issuer (deprecated, raw string value).
pub const FULCIO_ISSUER_V1: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.1");
/// Fulcio: OIDC issuer (DER UTF8String).
pub const FULCIO_ISSUER_V2: Oid = Oid::new_unwrap("1.3.6.1.4.1.57264.1.8");
const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
const P384: Oid = Oid::new_unwrap("1.3.132.0.34");
const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
const ECDSA_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");

/// The signing certificate and what was read from it.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub cert: Certificate,
    pub spki_der: Vec<u8>,
    /// The first SAN: URI, e-mail or UTF-8 otherName.
    pub identity: String,
    /// The OIDC issuer from the Fulcio extension.
    pub issuer: String,
}

fn mc(e: impl std::fmt::Display) -> Error {
    Error::MalformedCertificate(e.to_string())
}

impl Leaf {
    pub fn parse(der: &[u8]) -> Result<Leaf> {
        let cert = Certificate::from_der(der).map_err(mc)?;
        let tbs = &cert.tbs_certificate;
        let spki_der = tbs.subject_public_key_info.to_der().map_err(mc)?;
        let exts = tbs.extensions.as_deref().unwrap_or_default();
        let mut identity = None;
        let mut issuer_v1 = None;
        let mut issuer_v2 = None;
        let mut code_signing = false;
        for ext in exts {
            let v = ext.extn_value.as_bytes();
            if ext.extn_id == SAN {
                let san =
                    SubjectAltName::from_der(v).map_err(|e| mc(format!("subjectAltName: {e}")))?;
                identity = san.0.iter().find_map(|n| match n {
                    GeneralName::UniformResourceIdentifier(s) | GeneralName::Rfc822Name(s) => {
                        Some(s.to_string())
                    }
                    GeneralName::OtherName(o) => o
                        .value
                        .decode_as::<Utf8StringRef<'_>>()
                        .ok()
                        .map(|s| s.to_string()),
                    _ => None,
                });
            } else if ext.extn_id == FULCIO_ISSUER_V2 {
                let s =
                    Utf8StringRef::from_der(v).map_err(|e| mc(format!("issuer extension: {e}")))?;
                issuer_v2 = Some(s.to_string());
            } else if ext.extn_id == FULCIO_ISSUER_V1 {
                issuer_v1 = Some(
                    String::from_utf8(v.to_vec())
                        .map_err(|_| mc("issuer extension (v1) is not UTF-8"))?,
                );
            } else if ext.extn_id == EKU {
                let eku = ExtendedKeyUsage::from_der(v)
                    .map_err(|e| mc(format!("extendedKeyUsage: {e}")))?;
                code_signing = eku.0.contains(&CODE_SIGNING);
            }
        }
        if !code_signing {
            return Err(mc("no code-signing extended key usage"));
        }
        let identity = identity.ok_or_else(|| mc("no subjectAltName identity"))?;
        let issuer = issuer_v2
            .or(issuer_v1)
            .ok_or_else(|| mc("no OIDC issuer extension (1.3.6.1.4.1.57264.1.8 or .1.1)"))?;
        Ok(Leaf {
            cert,
            spki_der,
            identity,
            issuer,
        })
    }
}

/// Checks `cert`'s signature with `issuer`'s key.
fn signed_by(cert: &Certificate, issuer: &Certificate) -> std::result::Result<(), String> {
    let tbs = cert.tbs_certificate.to_der().map_err(|e| e.to_string())?;
    let digest = match cert.signature_algorithm.oid {
        ECDSA_SHA256 => Sha256::digest(&tbs).to_vec(),
        ECDSA_SHA384 => Sha384::digest(&tbs).to_vec(),
        other => {
            return Err(format!(
                "signature algorithm {other} unsupported (ECDSA SHA-256/384 only)"
            ));
        }
    };
    let spki = issuer
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| e.to_string())?;
    let sig = cert
        .signature
        .as_bytes()
        .ok_or("signature bit string is not whole bytes")?;
    verify_prehash_with_spki(&spki, &digest, sig)
}

fn in_validity(cert: &Certificate, t: u64) -> Result<()> {
    let v = &cert.tbs_certificate.validity;
    let (nb, na) = (unix(v.not_before), unix(v.not_after));
    if t < nb || t > na {
        return Err(Error::CertificateExpired {
            integrated_time: t,
            not_before: nb,
            not_after: na,
        });
    }
    Ok(())
}

fn is_ca(cert: &Certificate) -> bool {
    cert.tbs_certificate
        .extensions
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|e| e.extn_id == BASIC_CONSTRAINTS)
        .any(|e| BasicConstraints::from_der(e.extn_value.as_bytes()).is_ok_and(|b| b.ca))
}

/// The leaf chains to one of the trusted root's CAs, and every certificate on the
/// way was valid at `time` (unix seconds, the log's integrated time).
pub fn verify_chain(leaf: &Leaf, root: &TrustedRoot, time: u64) -> Result<()> {
    in_validity(&leaf.cert, time)?;
    let mut why = Vec::new();
    for ca in &root.certificate_authorities {
        if ca.valid_from.is_some_and(|f| time < f) || ca.valid_to.is_some_and(|t| time > t) {
            why.push(format!(
                "an authority is trusted only for {}..{} (unix seconds), not at {time}",
                ca.valid_from.unwrap_or(0),
                ca.valid_to
                    .map_or_else(|| "now".to_owned(), |t| t.to_string())
            ));
            continue;
        }
        let chain_der = &ca.chain;
        let chain = chain_der
            .iter()
            .map(|d| Certificate::from_der(d))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::MalformedTrustedRoot(format!("CA certificate: {e}")))?;
        let Some(first) = chain.first() else { continue };
        if leaf.cert.tbs_certificate.issuer != first.tbs_certificate.subject {
            why.push(format!(
                "issuer `{}` is not `{}`",
                leaf.cert.tbs_certificate.issuer, first.tbs_certificate.subject
            ));
            continue;
        }
        let mut link = signed_by(&leaf.cert, first).map_err(|e| format!("leaf: {e}"));
        for (i, ca) in chain.iter().enumerate() {
            if link.is_err() {
                break;
            }
            let parent = chain.get(i + 1).unwrap_or(ca);
            link = if !is_ca(ca) {
                Err(format!(
                    "`{}` is not a CA (basicConstraints)",
                    ca.tbs_certificate.subject
                ))
            } else if ca.tbs_certificate.issuer != parent.tbs_certificate.subject {
                Err(format!(
                    "`{}` is not issued by `{}`",
                    ca.tbs_certificate.subject, parent.tbs_certificate.subject
                ))
            } else {
                signed_by(ca, parent).map_err(|e| format!("`{}`: {e}", ca.tbs_certificate.subject))
            };
        }
        match link {
            Ok(()) => {
                for ca in &chain {
                    in_validity(ca, time)?;
                }
                return Ok(());
            }
            Err(e) => why.push(e),
        }
    }
    Err(Error::UntrustedCertificate(if why.is_empty() {
        "no certificate authority".into()
    } else {
        why.join("; ")
    }))
}

/// RSA with SHA-256: PKCS#1 v1.5 or PSS (sigstore's `PKIX_RSA_PKCS1V15_*_SHA256` and
/// `PKIX_RSA_PSS_*_SHA256` key details), 2048 to 8192 bits. `prehash` is a SHA-256 digest when
/// set, else `msg` is hashed.
fn verify_rsa(
    spki_der: &[u8],
    msg: &[u8],
    prehash: bool,
    sig: &[u8],
) -> std::result::Result<(), String> {
    use aws_lc_rs::signature::{self, ParsedPublicKey};
    if prehash && msg.len() != 32 {
        return Err(format!("RSA: a {}-byte digest is not SHA-256", msg.len()));
    }
    let mut key_ok = false;
    for alg in [
        &signature::RSA_PKCS1_2048_8192_SHA256,
        &signature::RSA_PSS_2048_8192_SHA256,
    ] {
        let Ok(k) = ParsedPublicKey::new(alg, spki_der) else {
            continue;
        };
        key_ok = true;
        let ok = if prehash {
            aws_lc_rs::digest::Digest::import_less_safe(msg, &aws_lc_rs::digest::SHA256)
                .is_ok_and(|d| k.verify_digest_sig(&d, sig).is_ok())
        } else {
            k.verify_sig(msg, sig).is_ok()
        };
        if ok {
            return Ok(());
        }
    }
    Err(if key_ok {
        "invalid signature".to_owned()
    } else {
        "RSA key: malformed".to_owned()
    })
}

/// Ed25519 (pure, over the message; a prehashed digest cannot be verified).
fn verify_ed25519(
    spki: &spki::SubjectPublicKeyInfoRef<'_>,
    msg: &[u8],
    sig: &[u8],
) -> std::result::Result<(), String> {
    use aws_lc_rs::signature::{ED25519, ParsedPublicKey};
    if spki.algorithm.parameters.is_some() {
        return Err("Ed25519 key: parameters must be absent".into());
    }
    let k = ParsedPublicKey::new(&ED25519, spki.subject_public_key.raw_bytes())
        .map_err(|_| "Ed25519 key: malformed".to_owned())?;
    k.verify_sig(msg, sig)
        .map_err(|_| "invalid signature".to_owned())
}

/// Verifies a signature over `prehash` (a digest) with a DER SubjectPublicKeyInfo: DER ECDSA
/// (P-256, P-384) or RSA PKCS#1 v1.5 / PSS with SHA-256. Ed25519 cannot sign a digest.
pub fn verify_prehash_with_spki(
    spki_der: &[u8],
    prehash: &[u8],
    sig: &[u8],
) -> std::result::Result<(), String> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| format!("public key: {e}"))?;
    if spki.algorithm.oid == RSA_ENCRYPTION {
        return verify_rsa(spki_der, prehash, true, sig);
    }
    if spki.algorithm.oid == ED25519 {
        return Err(
            "an Ed25519 key cannot verify a signature over a digest (Ed25519 signs the message)"
                .into(),
        );
    }
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return Err(format!(
            "key algorithm {} unsupported (ECDSA, RSA, Ed25519)",
            spki.algorithm.oid
        ));
    }
    let curve = spki
        .algorithm
        .parameters_oid()
        .map_err(|e| format!("curve: {e}"))?;
    let point = spki.subject_public_key.raw_bytes();
    match curve {
        P256 => {
            let vk = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|e| format!("P-256 key: {e}"))?;
            let s = p256::ecdsa::Signature::from_der(sig)
                .map_err(|e| format!("signature encoding: {e}"))?;
            vk.verify_prehash(prehash, &s)
                .map_err(|_| "invalid signature".to_owned())
        }
        P384 => {
            let vk = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|e| format!("P-384 key: {e}"))?;
            let s = p384::ecdsa::Signature::from_der(sig)
                .map_err(|e| format!("signature encoding: {e}"))?;
            vk.verify_prehash(prehash, &s)
                .map_err(|_| "invalid signature".to_owned())
        }
        other => Err(format!("curve {other} unsupported (P-256, P-384)")),
    }
}

/// Whether the SubjectPublicKeyInfo holds an Ed25519 key (which signs messages, not digests).
#[must_use]
pub fn is_ed25519(spki_der: &[u8]) -> bool {
    spki::SubjectPublicKeyInfoRef::from_der(spki_der).is_ok_and(|s| s.algorithm.oid == ED25519)
}

/// Verifies a signature over `msg`: DER ECDSA (SHA-256 for P-256, SHA-384 for P-384), RSA
/// PKCS#1 v1.5 / PSS with SHA-256, or Ed25519.
pub fn verify_with_spki(
    spki_der: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> std::result::Result<(), String> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| format!("public key: {e}"))?;
    if spki.algorithm.oid == RSA_ENCRYPTION {
        return verify_rsa(spki_der, msg, false, sig);
    }
    if spki.algorithm.oid == ED25519 {
        return verify_ed25519(&spki, msg, sig);
    }
    let digest = if spki.algorithm.parameters_oid().ok() == Some(P384) {
        Sha384::digest(msg).to_vec()
    } else {
        Sha256::digest(msg).to_vec()
    };
    verify_prehash_with_spki(spki_der, &digest, sig)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod key_type_tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::KeySize;
    use aws_lc_rs::signature::{self, Ed25519KeyPair, KeyPair, RsaKeyPair};
    use sha2::{Digest, Sha256};

    use super::{verify_prehash_with_spki, verify_with_spki};

    fn rsa_sign(
        pair: &RsaKeyPair,
        enc: &'static dyn signature::RsaEncoding,
        msg: &[u8],
    ) -> Vec<u8> {
        let mut sig = vec![0; pair.public_modulus_len()];
        pair.sign(enc, &SystemRandom::new(), msg, &mut sig).unwrap();
        sig
    }

    #[test]
    fn rsa_pkcs1_and_pss_verify_over_message_and_digest() {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let spki = pair.public_key().as_der().unwrap().as_ref().to_vec();
        let msg = b"artifact bytes";
        let digest = Sha256::digest(msg);
        for enc in [
            &signature::RSA_PKCS1_SHA256 as &dyn signature::RsaEncoding,
            &signature::RSA_PSS_SHA256,
        ] {
            let sig = rsa_sign(&pair, enc, msg);
            assert_eq!(verify_with_spki(&spki, msg, &sig), Ok(()));
            assert_eq!(verify_prehash_with_spki(&spki, &digest, &sig), Ok(()));
            // Negative: other message, other digest, flipped signature bit, truncated signature.
            assert!(verify_with_spki(&spki, b"other", &sig).is_err());
            assert!(verify_prehash_with_spki(&spki, &Sha256::digest(b"other"), &sig).is_err());
            let mut bad = sig.clone();
            bad[10] ^= 1;
            assert!(verify_with_spki(&spki, msg, &bad).is_err());
            assert!(verify_with_spki(&spki, msg, &sig[..sig.len() - 1]).is_err());
        }
        // A digest that is not SHA-256 sized is refused, not truncated or padded.
        let sig = rsa_sign(&pair, &signature::RSA_PKCS1_SHA256, msg);
        let err = verify_prehash_with_spki(&spki, &digest[..20], &sig).unwrap_err();
        assert!(err.contains("not SHA-256"), "{err}");
        // SHA-512 PKCS#1 signatures are not accepted as SHA-256 ones.
        let sig512 = rsa_sign(&pair, &signature::RSA_PKCS1_SHA512, msg);
        assert!(verify_with_spki(&spki, msg, &sig512).is_err());
    }

    #[test]
    fn malformed_rsa_keys_are_refused() {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
        let mut spki = pair.public_key().as_der().unwrap().as_ref().to_vec();
        let sig = rsa_sign(&pair, &signature::RSA_PKCS1_SHA256, b"m");
        let n = spki.len();
        spki[n - 40] ^= 0xff; // corrupt the modulus: the signature no longer verifies
        assert!(verify_with_spki(&spki, b"m", &sig).is_err());
        spki.truncate(n - 5);
        assert!(verify_with_spki(&spki, b"m", &sig).is_err());
    }

    #[test]
    fn ed25519_verifies_messages_only() {
        let pair = Ed25519KeyPair::generate().unwrap();
        let spki = pair.public_key().as_der().unwrap().as_ref().to_vec();
        let msg = b"dsse pae bytes";
        let sig = pair.sign(msg).as_ref().to_vec();
        assert_eq!(verify_with_spki(&spki, msg, &sig), Ok(()));
        assert!(verify_with_spki(&spki, b"other", &sig).is_err());
        let mut bad = sig.clone();
        bad[0] ^= 1;
        assert!(verify_with_spki(&spki, msg, &bad).is_err());
        assert!(verify_with_spki(&spki, msg, &sig[..63]).is_err());
        let err = verify_prehash_with_spki(&spki, &Sha256::digest(msg), &sig).unwrap_err();
        assert!(err.contains("Ed25519"), "{err}");
        // A key with a wrong length is malformed, never a pass.
        let mut short = spki.clone();
        short.truncate(short.len() - 1);
        assert!(verify_with_spki(&short, msg, &sig).is_err());
    }
}
