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

/// Verifies a DER ECDSA signature over `prehash` with a DER SubjectPublicKeyInfo.
pub fn verify_prehash_with_spki(
    spki_der: &[u8],
    prehash: &[u8],
    sig: &[u8],
) -> std::result::Result<(), String> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| format!("public key: {e}"))?;
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return Err(format!(
            "key algorithm {} unsupported (ECDSA only)",
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

/// Verifies a DER ECDSA signature over `msg` (SHA-256 for P-256, SHA-384 for P-384).
pub fn verify_with_spki(
    spki_der: &[u8],
    msg: &[u8],
    sig: &[u8],
) -> std::result::Result<(), String> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| format!("public key: {e}"))?;
    let digest = if spki.algorithm.parameters_oid().ok() == Some(P384) {
        Sha384::digest(msg).to_vec()
    } else {
        Sha256::digest(msg).to_vec()
    };
    verify_prehash_with_spki(spki_der, &digest, sig)
}
