//! OS package databases: dpkg `status` (Debian, Ubuntu) and opkg `status` (OpenWrt), apk
//! `installed` (Alpine), and the RPM Berkeley DB `Packages`.
//!
//! The distribution release is not in these files (it is in `etc/os-release`); packages
//! carry the family's ecosystem (`Debian`, `Alpine`, `Red Hat`, `OpenWrt`) and a caller
//! that knows the release may refine it. The source package, which OSV's Debian and
//! Alpine advisories name, is kept in the purl's `upstream` qualifier.

use crate::text::numbered_lines;
use crate::{Cx, Inventory, LockfileError, pkg, purl};

#[derive(Clone, Copy)]
pub(crate) enum Flavour {
    Dpkg,
    Opkg,
}

/// One paragraph of a deb822-style file: fields with the line each starts on.
fn paragraphs(text: &str) -> Vec<(u32, Vec<(String, String)>)> {
    let mut out: Vec<(u32, Vec<(String, String)>)> = Vec::new();
    let mut cur: Option<(u32, Vec<(String, String)>)> = None;
    for (n, line) in numbered_lines(text) {
        if line.trim().is_empty() {
            if let Some(p) = cur.take() {
                out.push(p);
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // A continuation line: only the first line of multi-line fields matters here.
            continue;
        }
        let (k, v) = line.split_once(':').unwrap_or((line, ""));
        cur.get_or_insert_with(|| (n, Vec::new()))
            .1
            .push((k.trim().to_owned(), v.trim().to_owned()));
    }
    if let Some(p) = cur {
        out.push(p);
    }
    out
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// `a (>= 1), b | c, d:any` -> [(a, ">= 1"), (b, ""), (d, "")].
fn depends(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter_map(|alt| {
            let first = alt.split('|').next()?.trim();
            let (name, req) = match first.split_once('(') {
                Some((n, r)) => (n.trim(), r.trim_end_matches(')').trim()),
                None => (first, ""),
            };
            let name = name.split(':').next().unwrap_or(name);
            (!name.is_empty()).then(|| (name.to_owned(), req.to_owned()))
        })
        .collect()
}

pub(crate) fn dpkg_status(
    cx: &Cx<'_>,
    content: &[u8],
    flavour: Flavour,
) -> Result<Inventory, LockfileError> {
    let text = String::from_utf8_lossy(content);
    let mut inv = Inventory::default();
    let (eco, ty, ns) = match flavour {
        Flavour::Dpkg => ("Debian", "deb", "debian"),
        Flavour::Opkg => ("OpenWrt", "opkg", "openwrt"),
    };
    let paras = paragraphs(&text);
    if paras.is_empty() && !text.trim().is_empty() {
        return Err(cx.err(Some(1), "not a package status file: no paragraphs"));
    }
    for (line, fields) in paras {
        let Some(name) = field(&fields, "Package") else {
            inv.diagnostics
                .push(cx.diag(Some(line), "paragraph without a Package field"));
            continue;
        };
        let status = field(&fields, "Status").unwrap_or("install ok installed");
        // Only installed packages: not removed ones that left config files behind.
        if status
            .split_whitespace()
            .nth(2)
            .is_some_and(|s| s != "installed")
        {
            continue;
        }
        let Some(version) = field(&fields, "Version") else {
            inv.diagnostics
                .push(cx.diag(Some(line), format!("package `{name}` has no Version")));
            continue;
        };
        let arch = field(&fields, "Architecture").unwrap_or("");
        // `Source: name` or `Source: name (version)`.
        let source = field(&fields, "Source").map(|s| s.split_whitespace().next().unwrap_or(s));
        let upstream = source.filter(|s| *s != name).unwrap_or("");
        let p = purl::build(
            ty,
            Some(ns),
            name,
            Some(version),
            &[("arch", arch), ("upstream", upstream)],
            None,
        );
        let mut pk = pkg(eco, name, Some(version.to_owned()), p, Some(line));
        if let Some(d) = field(&fields, "Depends") {
            pk.dependencies = depends(d);
        }
        inv.packages.push(pk);
    }
    Ok(inv)
}

pub(crate) fn apk_installed(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let text = String::from_utf8_lossy(content);
    let mut inv = Inventory::default();
    let mut cur: Option<(u32, Vec<(char, String)>)> = None;
    let mut blocks = Vec::new();
    for (n, line) in numbered_lines(&text) {
        if line.trim().is_empty() {
            if let Some(b) = cur.take() {
                blocks.push(b);
            }
            continue;
        }
        let mut chars = line.chars();
        let (Some(k), Some(':')) = (chars.next(), chars.next()) else {
            inv.diagnostics.push(cx.diag(Some(n), "expected `X:value`"));
            continue;
        };
        cur.get_or_insert_with(|| (n, Vec::new()))
            .1
            .push((k, chars.as_str().to_owned()));
    }
    if let Some(b) = cur {
        blocks.push(b);
    }
    if blocks.is_empty() && !inv.diagnostics.is_empty() {
        return Err(cx.err(Some(1), "not an apk database: no `P:` entries"));
    }
    for (line, fields) in blocks {
        let get = |c: char| {
            fields
                .iter()
                .find(|(k, _)| *k == c)
                .map(|(_, v)| v.as_str())
        };
        let Some(name) = get('P') else {
            inv.diagnostics
                .push(cx.diag(Some(line), "entry without a P: (package) line"));
            continue;
        };
        let Some(version) = get('V') else {
            inv.diagnostics
                .push(cx.diag(Some(line), format!("package `{name}` has no V: line")));
            continue;
        };
        let origin = get('o').filter(|o| *o != name).unwrap_or("");
        let p = purl::build(
            "apk",
            Some("alpine"),
            name,
            Some(version),
            &[("arch", get('A').unwrap_or("")), ("upstream", origin)],
            None,
        );
        let mut pk = pkg("Alpine", name, Some(version.to_owned()), p, Some(line));
        if let Some(d) = get('D') {
            pk.dependencies = d
                .split_whitespace()
                .filter(|x| !x.starts_with('!') && !x.starts_with('/') && !x.contains(':'))
                .map(|x| {
                    let end = x.find(['=', '<', '>', '~']).unwrap_or(x.len());
                    (x[..end].to_owned(), x[end..].to_owned())
                })
                .collect();
        }
        inv.packages.push(pk);
    }
    Ok(inv)
}

// ---------------------------------------------------------------- RPM Berkeley DB

const HASH_MAGIC: u32 = 0x0006_1561;
const P_HASH_UNSORTED: u8 = 2;
const P_HASH: u8 = 13;
const P_OVERFLOW: u8 = 7;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
const PAGE_HEADER: usize = 26;

struct Bdb<'a> {
    data: &'a [u8],
    page_size: usize,
    little: bool,
}

impl Bdb<'_> {
    fn u16(&self, at: usize) -> Option<u16> {
        let b: [u8; 2] = self.data.get(at..at + 2)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    }

    fn u32(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.data.get(at..at + 4)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn page(&self, n: u32) -> Option<&[u8]> {
        let start = usize::try_from(n).ok()?.checked_mul(self.page_size)?;
        self.data.get(start..start.checked_add(self.page_size)?)
    }

    /// The bytes of an overflow chain starting at page `pgno`, `len` bytes long.
    fn overflow(&self, mut pgno: u32, len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(len.min(self.data.len()));
        let mut hops = 0;
        let pages = self.data.len() / self.page_size;
        while pgno != 0 && out.len() < len {
            hops += 1;
            if hops > pages {
                return None; // a cycle
            }
            let page = self.page(pgno)?;
            let base = usize::try_from(pgno).ok()? * self.page_size;
            if page.get(25) != Some(&P_OVERFLOW) {
                return None;
            }
            let chunk = usize::from(self.u16(base + 22)?);
            out.extend_from_slice(page.get(PAGE_HEADER..PAGE_HEADER.checked_add(chunk)?)?);
            pgno = self.u32(base + 16)?;
        }
        (out.len() >= len).then(|| {
            out.truncate(len);
            out
        })
    }
}

/// The value blobs of every key/data pair of a Berkeley DB hash database.
fn bdb_values(cx: &Cx<'_>, data: &[u8]) -> Result<Vec<Vec<u8>>, LockfileError> {
    let magic = data
        .get(12..16)
        .ok_or_else(|| cx.err(None, "truncated Berkeley DB: no metadata page"))?;
    let little = match magic {
        [0x61, 0x15, 0x06, 0x00] => true,
        [0x00, 0x06, 0x15, 0x61] => false,
        _ => {
            return Err(cx.err(
                None,
                format!("not a Berkeley DB hash database (magic {HASH_MAGIC:#x} missing)"),
            ));
        }
    };
    let mut db = Bdb {
        data,
        page_size: 0,
        little,
    };
    let page_size = usize::try_from(db.u32(20).unwrap_or(0)).unwrap_or(0);
    if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(cx.err(
            None,
            format!("Berkeley DB page size {page_size} is not valid"),
        ));
    }
    db.page_size = page_size;
    let mut values = Vec::new();
    for n in 1..data.len() / page_size {
        let Ok(n) = u32::try_from(n) else { break };
        let Some(page) = db.page(n) else { break };
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let base = usize::try_from(n).unwrap_or(0) * page_size;
        let entries = usize::from(db.u16(base + 20).unwrap_or(0));
        let offset = |i: usize| db.u16(base + PAGE_HEADER + 2 * i).map(usize::from);
        // Items are key, data, key, data...; each ends where the previous one starts.
        for i in (1..entries).step_by(2) {
            let (Some(start), Some(end)) = (offset(i), offset(i - 1)) else {
                break;
            };
            let Some(item) = page.get(start..end.min(page_size)) else {
                continue;
            };
            match item.first() {
                Some(&H_KEYDATA) => values.push(item[1..].to_vec()),
                Some(&H_OFFPAGE) if item.len() >= 12 => {
                    let pg = db.u32(base + start + 4).unwrap_or(0);
                    let len = usize::try_from(db.u32(base + start + 8).unwrap_or(0)).unwrap_or(0);
                    if len > data.len() {
                        return Err(cx.err(None, "Berkeley DB overflow item longer than the file"));
                    }
                    match db.overflow(pg, len) {
                        Some(v) => values.push(v),
                        None => {
                            return Err(cx.err(
                                None,
                                format!("broken Berkeley DB overflow chain at page {pg}"),
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    Ok(values)
}

const RPMTAG_NAME: u32 = 1000;
const RPMTAG_VERSION: u32 = 1001;
const RPMTAG_RELEASE: u32 = 1002;
const RPMTAG_EPOCH: u32 = 1003;
const RPMTAG_ARCH: u32 = 1022;
const RPMTAG_SOURCERPM: u32 = 1044;

/// The tags palisade needs from an RPM header blob (index entries then a data store, all
/// big-endian), or `None` if it is not one.
fn rpm_header(blob: &[u8]) -> Option<(String, String, Option<u32>, String, String, String)> {
    let be = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(blob.get(at..at + 4)?.try_into().ok()?))
    };
    let il = usize::try_from(be(0)?).ok()?;
    let dl = usize::try_from(be(4)?).ok()?;
    let store_start = il.checked_mul(16)?.checked_add(8)?;
    let store = blob.get(store_start..store_start.checked_add(dl)?)?;
    let string_at = |off: usize| -> Option<String> {
        let s = store.get(off..)?;
        let end = s.iter().position(|&b| b == 0)?;
        Some(String::from_utf8_lossy(&s[..end]).into_owned())
    };
    let (mut name, mut version, mut release, mut epoch, mut arch, mut source) =
        (None, None, None, None, String::new(), String::new());
    for i in 0..il {
        let at = 8 + i * 16;
        let (tag, off) = (be(at)?, usize::try_from(be(at + 8)?).ok()?);
        match tag {
            RPMTAG_NAME => name = string_at(off),
            RPMTAG_VERSION => version = string_at(off),
            RPMTAG_RELEASE => release = string_at(off),
            RPMTAG_EPOCH => {
                epoch = store
                    .get(off..off + 4)
                    .and_then(|b| Some(u32::from_be_bytes(b.try_into().ok()?)));
            }
            RPMTAG_ARCH => arch = string_at(off).unwrap_or_default(),
            RPMTAG_SOURCERPM => source = string_at(off).unwrap_or_default(),
            _ => {}
        }
    }
    Some((
        name?,
        version?,
        epoch,
        release.unwrap_or_default(),
        arch,
        source,
    ))
}

pub(crate) fn rpm_bdb(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    Ok(rpm_packages(cx, bdb_values(cx, content)?))
}

/// The RPM database of RPM 4.16 and later: an SQLite file whose `Packages` table holds one
/// header blob per package. SQLite reads it from memory, read-only (no file is opened).
pub(crate) fn rpm_sqlite(cx: &Cx<'_>, content: &[u8]) -> Result<Inventory, LockfileError> {
    let sql_err =
        |e: rusqlite::Error| cx.err(None, format!("not a readable RPM SQLite database: {e}"));
    if i32::try_from(content.len()).is_err() {
        return Err(cx.err(None, "RPM SQLite database larger than 2 GiB"));
    }
    if !content.starts_with(b"SQLite format 3\0") {
        return Err(cx.err(None, "not an SQLite database (no `SQLite format 3` header)"));
    }
    let mut conn = rusqlite::Connection::open_in_memory().map_err(sql_err)?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, content, content.len(), true)
        .map_err(sql_err)?;
    let mut stmt = conn
        .prepare("SELECT blob FROM Packages ORDER BY hnum")
        .map_err(sql_err)?;
    let blobs = stmt
        .query_map([], |row| row.get::<_, Vec<u8>>(0))
        .map_err(sql_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(sql_err)?;
    Ok(rpm_packages(cx, blobs))
}

/// Packages from RPM header blobs (either database format).
fn rpm_packages(cx: &Cx<'_>, blobs: Vec<Vec<u8>>) -> Inventory {
    let mut inv = Inventory::default();
    for blob in blobs {
        if blob.len() <= 8 {
            continue; // the database's own counters
        }
        let Some((name, version, epoch, release, arch, source_rpm)) = rpm_header(&blob) else {
            inv.diagnostics
                .push(cx.diag(None, "a record that is not an RPM header was skipped"));
            continue;
        };
        let evr = if release.is_empty() {
            version.clone()
        } else {
            format!("{version}-{release}")
        };
        let full = match epoch {
            Some(e) if e > 0 => format!("{e}:{evr}"),
            _ => evr.clone(),
        };
        let epoch_s = epoch.map(|e| e.to_string()).unwrap_or_default();
        // `foo-1.0-1.el9.src.rpm` -> `foo`: the source package name.
        let upstream = source_rpm
            .strip_suffix(".src.rpm")
            .and_then(|s| s.rsplitn(3, '-').nth(2))
            .filter(|s| *s != name)
            .unwrap_or("")
            .to_owned();
        let p = purl::build(
            "rpm",
            Some("redhat"),
            &name,
            Some(&evr),
            &[
                ("arch", &arch),
                ("epoch", &epoch_s),
                ("upstream", &upstream),
            ],
            None,
        );
        inv.packages.push(pkg("Red Hat", name, Some(full), p, None));
    }
    inv.packages.sort();
    inv
}
