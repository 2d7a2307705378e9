//! Offline verification of sigstore bundles and SLSA provenance.
//!
//! [`verify`] checks, with nothing but the artifact, the bundle and a `trusted_root.json`:
//! 1. the bundle's media type (v0.1, v0.2, v0.3) and shape;
//! 2. the signing certificate chains to a certificate authority of the trusted root
//!    (every signature checked, CA certificates must have `cA=TRUE`), carries the code
//!    signing EKU, and was valid at the transparency log's integrated time;
//! 3. the certificate identity (SAN) and OIDC issuer (Fulcio extension
//!    `1.3.6.1.4.1.57264.1.8`, or the legacy `.1.1`) against the [`Policy`];
//! 4. the Rekor entry: its log is in the trusted root, the canonicalized body matches the
//!    bundle (digest, signature, certificate), the RFC 6962 inclusion proof leads to the
//!    checkpoint's root, the checkpoint (required from v0.2) is signed by the log key, and so
//!    is the signed entry timestamp (always required: it authenticates the integrated time);
//! 5. the signature: over the artifact digest (message signature) or over the DSSE
//!    pre-authentication encoding, whose in-toto statement must name the artifact's digest.
//!
//! [`provenance::check`] then holds an in-toto statement's SLSA v1 provenance (builder id,
//! source repository and ref, subject digest) against a YAML policy.
//!
//! Every failure is a distinct [`Error`] variant; nothing malformed ever passes.
//!
//! Signing (leaf) and log keys may be ECDSA P-256/P-384, RSA 2048-8192 (PKCS#1 v1.5 or PSS,
//! SHA-256) or Ed25519 (over the artifact or the DSSE PAE); CA certificate signatures are ECDSA.
//!
//! Not covered: signed certificate timestamps (CT log SCTs) and RFC 3161 timestamps are
//! not verified.
//!
//! ## Dependencies
//! - `x509-cert`/`der`/`spki` (RustCrypto): maintained, pure-Rust DER and X.509 parsing
//!   with typed extensions, so no hand-written ASN.1 for certificates.
//! - `p256`/`p384` (RustCrypto): ECDSA verification for the curves Fulcio and Rekor use.
//! - `aws-lc-rs`: RSA (PKCS#1 v1.5 and PSS, SHA-256, 2048-8192 bits) and Ed25519 signing keys;
//!   the crypto library palisade-auth already uses, so no second RSA implementation.
//! - `sha2`, `base64`, `hex`: digests and the encodings of the bundle format.
//! - `serde_json`, `serde-saphyr`: the bundle/trusted-root JSON and the YAML policy.
//! - `regex`: `--identity-regex`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;
use sha2::{Digest, Sha256};

mod cert;
pub mod merkle;
pub mod provenance;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use cert::{Leaf, verify_chain};

/// Inputs larger than this are refused (bundles, roots, statements).
pub const MAX_DOCUMENT: usize = 16 << 20;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("malformed bundle: {0}")]
    MalformedBundle(String),
    #[error("unsupported bundle media type `{0}` (supported: sigstore bundle v0.1, v0.2, v0.3)")]
    UnsupportedMediaType(String),
    #[error("malformed trusted root: {0}")]
    MalformedTrustedRoot(String),
    #[error("malformed certificate: {0}")]
    MalformedCertificate(String),
    #[error("malformed in-toto statement: {0}")]
    MalformedStatement(String),
    #[error("malformed policy: {0}")]
    MalformedPolicy(String),
    #[error("certificate does not chain to a trusted certificate authority: {0}")]
    UntrustedCertificate(String),
    #[error(
        "certificate not valid at the log's integrated time {integrated_time} (valid {not_before}..{not_after}, unix seconds)"
    )]
    CertificateExpired {
        integrated_time: u64,
        not_before: u64,
        not_after: u64,
    },
    #[error("certificate identity `{found}` does not match the policy ({expected})")]
    IdentityMismatch { expected: String, found: String },
    #[error("certificate issuer `{found}` does not match the policy (`{expected}`)")]
    IssuerMismatch { expected: String, found: String },
    #[error("artifact digest sha256:{found} does not match the bundle's sha256:{expected}")]
    DigestMismatch { expected: String, found: String },
    #[error("signature does not verify: {0}")]
    BadSignature(String),
    #[error("transparency log entry does not match the bundle: {0}")]
    BundleMismatch(String),
    #[error("transparency log `{0}` is not in the trusted root")]
    UnknownLog(String),
    #[error("inclusion proof does not verify: {0}")]
    BadInclusionProof(String),
    #[error("checkpoint does not verify: {0}")]
    BadCheckpoint(String),
    #[error("signed entry timestamp does not verify: {0}")]
    BadEntryTimestamp(String),
    #[error("provenance does not satisfy the policy: {0}")]
    ProvenanceMismatch(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Bundle format versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleVersion {
    V01,
    V02,
    V03,
}

/// A public key of a transparency log.
#[derive(Debug, Clone)]
pub struct LogKey {
    /// SHA-256 of the DER SubjectPublicKeyInfo.
    pub log_id: Vec<u8>,
    pub spki_der: Vec<u8>,
}

/// A certificate authority of the trusted root.
#[derive(Debug, Clone)]
pub struct CertificateAuthority {
    /// The chain, DER, leaf-most (intermediate) first.
    pub chain: Vec<Vec<u8>>,
    /// `validFor`, unix seconds: certificates it issued are trusted only in this window.
    pub valid_from: Option<u64>,
    pub valid_to: Option<u64>,
}

/// `2022-04-13T20:06:15.000Z` (RFC 3339, UTC) to unix seconds.
fn rfc3339(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() < 20 || !s.ends_with('Z') || b[4] != b'-' || b[10] != b'T' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<u16>().ok();
    let small = |r| n(r).and_then(|v| u8::try_from(v).ok());
    der::DateTime::new(
        n(0..4)?,
        small(5..7)?,
        small(8..10)?,
        small(11..13)?,
        small(14..16)?,
        small(17..19)?,
    )
    .ok()
    .map(|d| d.unix_duration().as_secs())
}

/// The parts of `trusted_root.json` used offline.
#[derive(Debug, Clone)]
pub struct TrustedRoot {
    pub certificate_authorities: Vec<CertificateAuthority>,
    pub tlogs: Vec<LogKey>,
}

fn b64(v: &Value, what: &str, err: fn(String) -> Error) -> Result<Vec<u8>> {
    let s = v
        .as_str()
        .ok_or_else(|| err(format!("{what}: expected a base64 string")))?;
    B64.decode(s.trim())
        .map_err(|e| err(format!("{what}: invalid base64 ({e})")))
}

fn parse_json(bytes: &[u8], err: fn(String) -> Error) -> Result<Value> {
    if bytes.len() > MAX_DOCUMENT {
        return Err(err(format!("larger than {MAX_DOCUMENT} bytes")));
    }
    serde_json::from_slice(bytes).map_err(|e| err(format!("not JSON: {e}")))
}

impl TrustedRoot {
    pub fn from_json(bytes: &[u8]) -> Result<TrustedRoot> {
        let e = Error::MalformedTrustedRoot;
        let v = parse_json(bytes, e)?;
        let mt = v.get("mediaType").and_then(Value::as_str).unwrap_or("");
        if !mt.starts_with("application/vnd.dev.sigstore.trustedroot") {
            return Err(e(format!(
                "mediaType `{mt}` is not a sigstore trusted root"
            )));
        }
        let mut cas = Vec::new();
        for (i, ca) in v
            .get("certificateAuthorities")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let certs = ca
                .pointer("/certChain/certificates")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    e(format!(
                        "certificateAuthorities[{i}]: no certChain.certificates"
                    ))
                })?;
            let chain = certs
                .iter()
                .map(|c| b64(&c["rawBytes"], "certificate rawBytes", e))
                .collect::<Result<Vec<_>>>()?;
            if chain.is_empty() {
                return Err(e(format!("certificateAuthorities[{i}]: empty chain")));
            }
            let time = |k: &str| -> Result<Option<u64>> {
                match ca.pointer(&format!("/validFor/{k}")).and_then(Value::as_str) {
                    None => Ok(None),
                    Some(t) => rfc3339(t)
                        .map(Some)
                        .ok_or_else(|| e(format!("certificateAuthorities[{i}].validFor.{k}: `{t}` is not an RFC 3339 UTC time"))),
                }
            };
            cas.push(CertificateAuthority {
                chain,
                valid_from: time("start")?,
                valid_to: time("end")?,
            });
        }
        let mut tlogs = Vec::new();
        for (i, t) in v
            .get("tlogs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let spki_der = b64(
                &t["publicKey"]["rawBytes"],
                &format!("tlogs[{i}].publicKey"),
                e,
            )?;
            let log_id = match t.pointer("/logId/keyId") {
                Some(k) => b64(k, &format!("tlogs[{i}].logId.keyId"), e)?,
                None => Sha256::digest(&spki_der).to_vec(),
            };
            tlogs.push(LogKey { log_id, spki_der });
        }
        if cas.is_empty() {
            return Err(e("no certificateAuthorities".into()));
        }
        if tlogs.is_empty() {
            return Err(e("no tlogs".into()));
        }
        Ok(TrustedRoot {
            certificate_authorities: cas,
            tlogs,
        })
    }
}

/// Who must have signed.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub identity: Option<Identity>,
    pub issuer: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Identity {
    Exact(String),
    Regex(regex::Regex),
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub version: BundleVersion,
    pub sha256: String,
    pub identity: String,
    pub issuer: String,
    pub integrated_time: u64,
    pub log_index: u64,
    /// The in-toto statement of a DSSE bundle.
    pub statement: Option<Value>,
}

fn bundle_version(mt: &str) -> Result<BundleVersion> {
    match mt {
        "application/vnd.dev.sigstore.bundle+json;version=0.1" => Ok(BundleVersion::V01),
        "application/vnd.dev.sigstore.bundle+json;version=0.2" => Ok(BundleVersion::V02),
        "application/vnd.dev.sigstore.bundle+json;version=0.3"
        | "application/vnd.dev.sigstore.bundle.v0.3+json" => Ok(BundleVersion::V03),
        other => Err(Error::UnsupportedMediaType(other.to_owned())),
    }
}

fn int(v: &Value, what: &str) -> Result<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
    .ok_or_else(|| Error::MalformedBundle(format!("{what}: expected an integer")))
}

/// DSSE pre-authentication encoding.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

/// PEM of a DER certificate, as Rekor stores it.
pub fn cert_pem(der: &[u8]) -> String {
    let b = B64.encode(der);
    let mut s = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b.as_bytes().chunks(64) {
        s.push_str(&String::from_utf8_lossy(chunk));
        s.push('\n');
    }
    s.push_str("-----END CERTIFICATE-----\n");
    s
}

fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    B64.decode(body.trim()).ok()
}

/// The canonical JSON signed by a signed entry timestamp.
pub fn set_payload(
    body_b64: &str,
    integrated_time: u64,
    log_id_hex: &str,
    log_index: u64,
) -> String {
    format!(
        "{{\"body\":{},\"integratedTime\":{integrated_time},\"logID\":{},\"logIndex\":{log_index}}}",
        Value::String(body_b64.to_owned()),
        Value::String(log_id_hex.to_owned())
    )
}

/// Verifies `bundle` for `artifact` against `root` and `policy`.
pub fn verify(
    artifact: &[u8],
    bundle: &[u8],
    root: &TrustedRoot,
    policy: &Policy,
) -> Result<Verified> {
    let mb = Error::MalformedBundle;
    let b = parse_json(bundle, mb)?;
    let mt = b
        .get("mediaType")
        .and_then(Value::as_str)
        .ok_or_else(|| mb("no mediaType".into()))?;
    let version = bundle_version(mt)?;
    let vm = b
        .get("verificationMaterial")
        .ok_or_else(|| mb("no verificationMaterial".into()))?;

    // The signing certificate.
    let leaf_der = if let Some(c) = vm.get("certificate") {
        b64(&c["rawBytes"], "verificationMaterial.certificate", mb)?
    } else if let Some(chain) = vm
        .pointer("/x509CertificateChain/certificates")
        .and_then(Value::as_array)
    {
        if version == BundleVersion::V03 {
            return Err(mb(
                "v0.3 bundles carry `certificate`, not `x509CertificateChain`".into(),
            ));
        }
        let first = chain
            .first()
            .ok_or_else(|| mb("empty x509CertificateChain".into()))?;
        b64(
            &first["rawBytes"],
            "x509CertificateChain.certificates[0]",
            mb,
        )?
    } else if vm.get("publicKey").is_some() {
        return Err(mb("public-key bundles need a key, not a trusted root; only certificate bundles are supported".into()));
    } else {
        return Err(mb("no certificate in verificationMaterial".into()));
    };
    let leaf = cert::Leaf::parse(&leaf_der)?;

    // The transparency log entry.
    let entries = vm
        .get("tlogEntries")
        .and_then(Value::as_array)
        .ok_or_else(|| mb("no tlogEntries".into()))?;
    let entry = entries
        .first()
        .ok_or_else(|| mb("tlogEntries is empty".into()))?;
    let log_index = int(&entry["logIndex"], "tlogEntries[0].logIndex")?;
    let integrated_time = int(&entry["integratedTime"], "tlogEntries[0].integratedTime")?;
    let log_id = b64(&entry["logId"]["keyId"], "tlogEntries[0].logId.keyId", mb)?;
    let body_b64 = entry["canonicalizedBody"]
        .as_str()
        .ok_or_else(|| mb("tlogEntries[0].canonicalizedBody missing".into()))?;
    let body_bytes = B64
        .decode(body_b64)
        .map_err(|e| mb(format!("canonicalizedBody: invalid base64 ({e})")))?;
    let body: Value = serde_json::from_slice(&body_bytes)
        .map_err(|e| mb(format!("canonicalizedBody: not JSON ({e})")))?;
    let log = root
        .tlogs
        .iter()
        .find(|l| l.log_id == log_id)
        .ok_or_else(|| Error::UnknownLog(hex::encode(&log_id)))?;

    // Certificate: chain, validity at integrated time, identity.
    cert::verify_chain(&leaf, root, integrated_time)?;
    check_identity(&leaf, policy)?;

    // Log proofs.
    let proof = entry.get("inclusionProof");
    let set = entry.pointer("/inclusionPromise/signedEntryTimestamp");
    if version >= BundleVersion::V02 && proof.is_none() {
        return Err(mb("v0.2+ bundles need tlogEntries[0].inclusionProof".into()));
    }
    if set.is_none() {
        // Only the signed entry timestamp authenticates `integratedTime`, the time the
        // certificate's validity is judged at; RFC 3161 timestamps are not supported.
        return Err(mb(
            "no inclusionPromise (signed entry timestamp): the integrated time would be unauthenticated"
                .into(),
        ));
    }
    if let Some(p) = proof {
        verify_inclusion(p, &body_bytes, log_index, log)?;
    }
    if let Some(s) = set {
        let sig = b64(s, "signedEntryTimestamp", mb)?;
        let payload = set_payload(
            body_b64,
            integrated_time,
            &hex::encode(&log.log_id),
            log_index,
        );
        cert::verify_with_spki(&log.spki_der, payload.as_bytes(), &sig)
            .map_err(Error::BadEntryTimestamp)?;
    }

    // Content and signature.
    let digest = Sha256::digest(artifact);
    let digest_hex = hex::encode(digest);
    let statement = if let Some(ms) = b.get("messageSignature") {
        let expected = b64(
            &ms["messageDigest"]["digest"],
            "messageSignature.messageDigest.digest",
            mb,
        )?;
        let alg = ms["messageDigest"]["algorithm"].as_str().unwrap_or("");
        if alg != "SHA2_256" {
            return Err(mb(format!(
                "messageDigest algorithm `{alg}` unsupported (SHA2_256 only)"
            )));
        }
        if expected != digest.as_slice() {
            return Err(Error::DigestMismatch {
                expected: hex::encode(&expected),
                found: digest_hex,
            });
        }
        let sig = b64(&ms["signature"], "messageSignature.signature", mb)?;
        check_hashedrekord(&body, &digest_hex, &sig, &leaf_der)?;
        // Ed25519 signs the artifact itself (its digest was checked just above).
        if cert::is_ed25519(&leaf.spki_der) {
            cert::verify_with_spki(&leaf.spki_der, artifact, &sig)
        } else {
            cert::verify_prehash_with_spki(&leaf.spki_der, &digest, &sig)
        }
        .map_err(Error::BadSignature)?;
        None
    } else if let Some(env) = b.get("dsseEnvelope") {
        let payload = b64(&env["payload"], "dsseEnvelope.payload", mb)?;
        let ptype = env["payloadType"]
            .as_str()
            .ok_or_else(|| mb("dsseEnvelope.payloadType missing".into()))?;
        let sigs = env["signatures"]
            .as_array()
            .filter(|s| s.len() == 1)
            .ok_or_else(|| mb("dsseEnvelope needs exactly one signature".into()))?;
        let sig = b64(&sigs[0]["sig"], "dsseEnvelope.signatures[0].sig", mb)?;
        check_dsse_body(&body, &payload, &sig, &leaf_der)?;
        cert::verify_with_spki(&leaf.spki_der, &pae(ptype, &payload), &sig)
            .map_err(Error::BadSignature)?;
        if ptype != "application/vnd.in-toto+json" {
            return Err(Error::MalformedStatement(format!(
                "payloadType `{ptype}` is not in-toto"
            )));
        }
        let st = provenance::parse_statement(&payload)?;
        if !provenance::subject_has_digest(&st, &digest_hex) {
            return Err(Error::DigestMismatch {
                expected: provenance::subject_digests(&st).join(","),
                found: digest_hex,
            });
        }
        Some(st)
    } else {
        return Err(mb("neither messageSignature nor dsseEnvelope".into()));
    };

    Ok(Verified {
        version,
        sha256: hex::encode(digest),
        identity: leaf.identity.clone(),
        issuer: leaf.issuer.clone(),
        integrated_time,
        log_index,
        statement,
    })
}

fn check_identity(leaf: &cert::Leaf, policy: &Policy) -> Result<()> {
    match &policy.identity {
        Some(Identity::Exact(id)) if *id != leaf.identity => {
            return Err(Error::IdentityMismatch {
                expected: format!("`{id}`"),
                found: leaf.identity.clone(),
            });
        }
        Some(Identity::Regex(re)) if !full_match(re, &leaf.identity) => {
            return Err(Error::IdentityMismatch {
                expected: format!("/{}/", re.as_str()),
                found: leaf.identity.clone(),
            });
        }
        _ => {}
    }
    if let Some(iss) = &policy.issuer
        && *iss != leaf.issuer
    {
        return Err(Error::IssuerMismatch {
            expected: iss.clone(),
            found: leaf.issuer.clone(),
        });
    }
    Ok(())
}

/// The regex must match the whole identity (an unanchored pattern would accept
/// `https://github.com/evil/x?https://github.com/good/`).
fn full_match(re: &regex::Regex, s: &str) -> bool {
    re.find_iter(s)
        .any(|m| m.start() == 0 && m.end() == s.len())
}

fn check_hashedrekord(body: &Value, digest_hex: &str, sig: &[u8], leaf_der: &[u8]) -> Result<()> {
    let bm = Error::BundleMismatch;
    if body["kind"] != "hashedrekord" {
        return Err(bm(format!(
            "log entry kind {} is not hashedrekord",
            body["kind"]
        )));
    }
    let spec = &body["spec"];
    if spec["data"]["hash"]["algorithm"] != "sha256" || spec["data"]["hash"]["value"] != digest_hex
    {
        return Err(bm(format!(
            "logged digest {} is not the artifact's sha256:{digest_hex}",
            spec["data"]["hash"]["value"]
        )));
    }
    let logged_sig = spec["signature"]["content"]
        .as_str()
        .and_then(|s| B64.decode(s).ok());
    if logged_sig.as_deref() != Some(sig) {
        return Err(bm("logged signature differs from the bundle's".into()));
    }
    check_logged_cert(&spec["signature"]["publicKey"]["content"], leaf_der)
}

fn check_logged_cert(v: &Value, leaf_der: &[u8]) -> Result<()> {
    let pem = v
        .as_str()
        .and_then(|s| B64.decode(s).ok())
        .and_then(|p| String::from_utf8(p).ok());
    if pem.as_deref().and_then(pem_to_der).as_deref() != Some(leaf_der) {
        return Err(Error::BundleMismatch(
            "logged certificate differs from the bundle's".into(),
        ));
    }
    Ok(())
}

fn check_dsse_body(body: &Value, payload: &[u8], sig: &[u8], leaf_der: &[u8]) -> Result<()> {
    let bm = Error::BundleMismatch;
    if body["kind"] != "dsse" {
        return Err(bm(format!("log entry kind {} is not dsse", body["kind"])));
    }
    let spec = &body["spec"];
    let ph = hex::encode(Sha256::digest(payload));
    if spec["payloadHash"]["value"] != ph.as_str() {
        return Err(bm(
            "logged payload hash differs from the envelope's payload".into(),
        ));
    }
    let sigs = spec["signatures"]
        .as_array()
        .ok_or_else(|| bm("logged entry has no signatures".into()))?;
    let found = sigs.iter().any(|s| {
        s["signature"]
            .as_str()
            .and_then(|x| B64.decode(x).ok())
            .as_deref()
            == Some(sig)
            && check_logged_cert(&s["verifier"], leaf_der).is_ok()
    });
    if !found {
        return Err(bm(
            "logged signature/certificate differs from the envelope's".into(),
        ));
    }
    Ok(())
}

fn verify_inclusion(p: &Value, body: &[u8], log_index: u64, log: &LogKey) -> Result<()> {
    let mb = Error::MalformedBundle;
    let index = int(&p["logIndex"], "inclusionProof.logIndex")?;
    let size = int(&p["treeSize"], "inclusionProof.treeSize")?;
    let root = b64(&p["rootHash"], "inclusionProof.rootHash", mb)?;
    let hashes = p["hashes"]
        .as_array()
        .ok_or_else(|| mb("inclusionProof.hashes missing".into()))?
        .iter()
        .map(|h| b64(h, "inclusionProof.hashes[]", mb))
        .collect::<Result<Vec<_>>>()?;
    if index != log_index {
        // Sharded logs number entries globally and per shard; Rekor's proof index is the
        // shard's. Only a proof index beyond the global one is impossible.
        if index > log_index {
            return Err(Error::BadInclusionProof(format!(
                "proof index {index} is beyond the entry's log index {log_index}"
            )));
        }
    }
    let leaf = merkle::leaf_hash(body);
    merkle::verify_inclusion(index, size, &leaf, &hashes, &root)
        .map_err(Error::BadInclusionProof)?;
    let cp = p
        .pointer("/checkpoint/envelope")
        .and_then(Value::as_str)
        .ok_or_else(|| mb("inclusionProof.checkpoint.envelope missing".into()))?;
    merkle::verify_checkpoint(cp, size, &root, log).map_err(Error::BadCheckpoint)
}

pub(crate) fn unix(t: x509_cert::time::Time) -> u64 {
    t.to_unix_duration().as_secs()
}
