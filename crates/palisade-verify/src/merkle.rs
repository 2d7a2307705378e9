//! RFC 6962 / RFC 9162 Merkle audit paths and signed checkpoints (signed notes).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};

use crate::LogKey;

/// At most this many hashes in a proof (a tree of 2^64 leaves needs 64).
const MAX_PROOF: usize = 64;

/// `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// RFC 9162 section 2.1.3.2: does `proof` take leaf `index` of a tree of `size` to `root`?
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &[u8; 32],
    proof: &[Vec<u8>],
    root: &[u8],
) -> Result<(), String> {
    if index >= size {
        return Err(format!(
            "leaf index {index} is not below the tree size {size}"
        ));
    }
    if proof.len() > MAX_PROOF {
        return Err(format!(
            "{} hashes in the audit path (at most {MAX_PROOF})",
            proof.len()
        ));
    }
    if let Some(bad) = proof.iter().find(|h| h.len() != 32) {
        return Err(format!(
            "an audit path hash has {} bytes, not 32",
            bad.len()
        ));
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return Err("audit path longer than the tree is deep".into());
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err("audit path shorter than the tree is deep".into());
    }
    if r.as_slice() != root {
        return Err(format!(
            "computed root {} is not the proof's root {}",
            hex::encode(r),
            hex::encode(root)
        ));
    }
    Ok(())
}

/// A signed note: `origin\nsize\nbase64(root)\n[extensions]\n\n— name base64(keyhint || sig)\n`.
/// Checks the signature by the log key, and that size and root are the proof's.
pub fn verify_checkpoint(
    envelope: &str,
    size: u64,
    root: &[u8],
    log: &LogKey,
) -> Result<(), String> {
    let (text, sigs) = envelope
        .split_once("\n\n")
        .ok_or("no blank line between the note and its signatures")?;
    let text = format!("{text}\n");
    let mut lines = text.lines();
    let _origin = lines
        .next()
        .filter(|o| !o.is_empty())
        .ok_or("no origin line")?;
    let cp_size: u64 = lines
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or("second line is not a tree size")?;
    let cp_root = lines
        .next()
        .and_then(|s| B64.decode(s).ok())
        .ok_or("third line is not a base64 root hash")?;
    if cp_size != size {
        return Err(format!(
            "checkpoint tree size {cp_size} is not the proof's {size}"
        ));
    }
    if cp_root != root {
        return Err("checkpoint root hash is not the proof's".into());
    }
    let mut tried = 0;
    for line in sigs.lines() {
        let Some(rest) = line.strip_prefix("\u{2014} ") else {
            continue;
        };
        let Some((_name, sig_b64)) = rest.rsplit_once(' ') else {
            continue;
        };
        let Ok(raw) = B64.decode(sig_b64) else {
            continue;
        };
        if raw.len() < 5 || raw[..4] != log.log_id[..4.min(log.log_id.len())] {
            continue;
        }
        tried += 1;
        if crate::cert::verify_with_spki(&log.spki_der, text.as_bytes(), &raw[4..]).is_ok() {
            return Ok(());
        }
    }
    if tried == 0 {
        Err("no signature line with the log's key hint".into())
    } else {
        Err("the log's signature over the checkpoint is invalid".into())
    }
}
