//! Property checks: `compare` is antisymmetric, reflexive and never panics, on ordinary
//! and hostile inputs; `Version` agrees with it; and the orderings documented as total
//! sort consistently.

use std::cmp::Ordering;

use palisade_version::{Ecosystem, Version, compare, fuzz_compare};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// Pieces that version grammars give meaning to, glued together at random.
const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "01",
    "00",
    "123",
    "99999999999999999999999",
    ".",
    ".",
    "-",
    "-",
    "_",
    "+",
    "~",
    "^",
    ":",
    "#",
    "!",
    "a",
    "b",
    "c",
    "m",
    "p",
    "r",
    "v",
    "x",
    "z",
    "A",
    "B",
    "RC",
    "rc",
    "alpha",
    "beta",
    "pre",
    "dev",
    "post",
    "final",
    "ga",
    "sp",
    "snapshot",
    "milestone",
    "cr",
    "pl",
    "git",
    "svn",
    "hg",
    "cvs",
    "-r",
    "-r1",
    "_p",
    "_alpha",
    "_rc",
    "~rc",
    "^git",
    "+build",
    "+local",
    "incompatible",
    "ä",
    "α",
    "é",
    " ",
    "\t",
    "\0",
    "İ",
    "1️⃣",
    "١",
    "０",
];

fn random_version(rng: &mut Rng) -> String {
    let mut s = String::new();
    if rng.below(4) != 0 {
        s.push_str(["1", "0", "2", "10"][rng.below(4)]);
    }
    for _ in 0..rng.below(8) {
        s.push_str(PIECES[rng.below(PIECES.len())]);
    }
    s
}

fn hostile_inputs() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "v",
        "V",
        "-",
        ".",
        ":",
        "~",
        "^",
        "_",
        "+",
        "#",
        "!",
        "\0",
        "1:",
        ":1",
        "1!",
        "!1",
        "1-",
        "-1",
        "1..",
        "..1",
        "1~",
        "1^",
        "1#",
        "1-r",
        "1_",
        "1+",
        "0",
        "00000",
        "1.0.0",
        "v1.2.3-beta.1+build.5",
        "1:2.3-4~5^6",
        "18446744073709551615",
        "18446744073709551616",
        "99999999999999999999999999999999999999999999999999.1",
        "1.99999999999999999999999999999999999999999999999999",
        "١٢٣",
        "１.２.３",
        "α.β.γ",
        "💥",
        "1.0-💥",
        "İ.ı",
        "e\u{301}",
        "\u{202e}1.0",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let huge = "9".repeat(10_000);
    v.push(huge.clone());
    v.push(format!("{huge}.1"));
    v.push(format!("1.{huge}"));
    for unit in [
        "1.", "a", "-", "~", "1:", "_", "+", ".", "a1", "1a", "-r1", "#.",
    ] {
        v.push(unit.repeat(10_000 / unit.len()));
    }
    v.push("α".repeat(5_000));
    v
}

fn check_pair(eco: Ecosystem, a: &str, b: &str) {
    let ab = compare(eco, a, b);
    let ba = compare(eco, b, a);
    assert_eq!(
        ab,
        ba.reverse(),
        "{eco}: {a:?} vs {b:?} is not antisymmetric"
    );
    let (va, vb) = (Version::parse(eco, a), Version::parse(eco, b));
    assert_eq!(
        va.cmp(&vb),
        ab,
        "{eco}: Version disagrees with compare on {a:?} vs {b:?}"
    );
}

#[test]
fn hostile_inputs_are_ordered_without_panicking() {
    let inputs = hostile_inputs();
    for eco in Ecosystem::ALL {
        let parsed: Vec<Version> = inputs.iter().map(|s| Version::parse(eco, s)).collect();
        for (a, va) in inputs.iter().zip(&parsed) {
            assert_eq!(
                compare(eco, a, a),
                Ordering::Equal,
                "{eco}: {a:?} vs itself"
            );
            assert_eq!(va.cmp(&va.clone()), Ordering::Equal, "{eco}: {a:?}");
            for (b, vb) in inputs.iter().zip(&parsed) {
                assert_eq!(
                    va.cmp(vb),
                    vb.cmp(va).reverse(),
                    "{eco}: {a:?} vs {b:?} is not antisymmetric"
                );
                // `compare` parses again; keep that to the short strings.
                if a.len() < 100 && b.len() < 100 {
                    check_pair(eco, a, b);
                }
            }
        }
    }
}

#[test]
fn random_inputs_are_antisymmetric() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for eco in Ecosystem::ALL {
        for _ in 0..3_000 {
            let a = random_version(&mut rng);
            let b = random_version(&mut rng);
            check_pair(eco, &a, &b);
            assert_eq!(
                compare(eco, &a, &a),
                Ordering::Equal,
                "{eco}: {a:?} vs itself"
            );
        }
    }
}

#[test]
fn fuzz_entry_point_accepts_arbitrary_bytes() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    fuzz_compare(&[]);
    fuzz_compare(&[7]);
    fuzz_compare(&[3, 0xFF]);
    for _ in 0..20_000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = (0..len)
            .map(|_| u8::try_from(rng.next() >> 56).unwrap_or(0))
            .collect();
        fuzz_compare(&bytes);
    }
}

/// Orderings documented as total: sorting a random pool (with a sort that cannot panic)
/// must leave every pair in order. Packagist is total only without `#` parts, and
/// Maven's `ComparableVersion` is not transitive when a `.qualifier` and a `-qualifier`
/// (or a letter after a digit, which counts as `-`) meet the end of a shorter version
/// (`1.sp` < `1-alpha` < `1` < `1.sp`), so both are checked on pools that avoid those
/// cases.
#[test]
fn total_orderings_sort_consistently() {
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    for eco in Ecosystem::ALL {
        let mut pool: Vec<Version> = Vec::new();
        while pool.len() < 250 {
            let s = random_version(&mut rng);
            let excluded = match eco {
                Ecosystem::Packagist => s.contains('#'),
                Ecosystem::Maven => s.contains('.') || !s.starts_with(|c: char| c.is_ascii_digit()),
                _ => false,
            };
            if !excluded {
                pool.push(Version::parse(eco, &s));
            }
        }
        // Insertion sort: only needs `cmp`, never panics on an inconsistent order.
        for i in 1..pool.len() {
            let mut j = i;
            while j > 0 && pool[j - 1] > pool[j] {
                pool.swap(j - 1, j);
                j -= 1;
            }
        }
        for i in 0..pool.len() {
            for j in i + 1..pool.len() {
                assert_ne!(
                    pool[i].cmp(&pool[j]),
                    Ordering::Greater,
                    "{eco}: not transitive around {:?} and {:?}",
                    pool[i].as_str(),
                    pool[j].as_str()
                );
            }
        }
    }
}
