#![no_main]
//! `palisade_lockfile::parse` as SpdxTagValue: any bytes give an inventory or an error, never a panic.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    palisade_lockfile_fuzz::run(palisade_lockfile::Format::SpdxTagValue, data);
});
