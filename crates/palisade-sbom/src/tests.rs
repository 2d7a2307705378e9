use super::*;

fn pkg(eco: &str, name: &str, version: &str, purl: &str) -> Package {
    Package {
        ecosystem: eco.to_owned(),
        name: name.to_owned(),
        version: Some(version.to_owned()),
        purl: purl.to_owned(),
        direct: None,
        dev: None,
        file: "Cargo.lock".to_owned(),
        line: Some(1),
        dependencies: Vec::new(),
        license: None,
        resolved: None,
        install_script: false,
    }
}

fn meta() -> Meta {
    Meta {
        name: "my project".to_owned(),
        timestamp: "2026-01-02T03:04:05Z".to_owned(),
        tool_version: "0.1.0".to_owned(),
    }
}

/// An app crate depending on memchr, a dev-only npm package, memchr again from a second
/// lockfile, and an edge to a package not in the list.
fn packages() -> Vec<Package> {
    let mut regex = pkg("crates.io", "regex", "1.11.1", "pkg:cargo/regex@1.11.1");
    regex.direct = Some(true);
    regex.dependencies = vec![
        ("memchr".to_owned(), "2.7.4".to_owned()),
        ("missing".to_owned(), "1.0.0".to_owned()),
    ];
    let memchr = pkg("crates.io", "memchr", "2.7.4", "pkg:cargo/memchr@2.7.4");
    let mut memchr_again = memchr.clone();
    memchr_again.file = "sub/Cargo.lock".to_owned();
    let mut jest = pkg("npm", "@jest/core", "29.7.0", "pkg:npm/%40jest/core@29.7.0");
    jest.direct = Some(true);
    jest.dev = Some(true);
    jest.file = "package-lock.json".to_owned();
    vec![regex, memchr, jest, memchr_again]
}

#[test]
fn cyclonedx_document() {
    let doc = cyclonedx(&packages(), &meta());
    assert_eq!(doc["components"].as_array().map(Vec::len), Some(3));
    insta::assert_json_snapshot!(doc);
}

#[test]
fn spdx_document() {
    let doc = spdx(&packages(), &meta());
    assert_eq!(doc["packages"].as_array().map(Vec::len), Some(3));
    for p in doc["packages"].as_array().into_iter().flatten() {
        let id = p["SPDXID"].as_str().unwrap_or_default();
        assert!(
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "{id}"
        );
    }
    insta::assert_json_snapshot!(doc);
}

#[test]
fn output_is_reproducible_and_order_independent() {
    let mut reversed = packages();
    reversed.reverse();
    assert_eq!(
        cyclonedx(&packages(), &meta()),
        cyclonedx(&reversed, &meta())
    );
    assert_eq!(spdx(&packages(), &meta()), spdx(&reversed, &meta()));
    let mut fewer = packages();
    fewer.pop();
    fewer.pop();
    assert_ne!(
        cyclonedx(&fewer, &meta())["serialNumber"],
        cyclonedx(&packages(), &meta())["serialNumber"]
    );
}

#[test]
fn serial_number_is_a_version_5_urn_uuid() {
    let doc = cyclonedx(&packages(), &meta());
    let serial = doc["serialNumber"].as_str().unwrap_or_default();
    let uuid = serial.strip_prefix("urn:uuid:").unwrap_or_default();
    let parts: Vec<&str> = uuid.split('-').collect();
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(parts[2].starts_with('5'), "{serial}");
    assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
}

#[test]
fn empty_inventory() {
    let doc = cyclonedx(&[], &meta());
    assert_eq!(doc["components"], json!([]));
    let doc = spdx(&[], &meta());
    assert_eq!(doc["relationships"], json!([]));
}

#[test]
fn timestamps() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(1_798_543_445), "2026-12-29T11:24:05Z");
}

/// The official schemas, put in `.ci/schemas/` by `.ci/setup-deps.sh` (or the directory
/// named by `PALISADE_SBOM_SCHEMAS`). `None` (with the reason printed) when absent
/// locally; in CI (`CI` set) absence fails the test.
fn schema_dir() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("PALISADE_SBOM_SCHEMAS").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/schemas"),
        std::path::PathBuf::from,
    );
    let complete = ["bom-1.6.SNAPSHOT.schema.json", "spdx_2_3.json"]
        .iter()
        .all(|f| dir.join(f).is_file());
    if complete {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must provide the SBOM schemas in {}: run .ci/setup-deps.sh",
        dir.display()
    );
    eprintln!(
        "skipped: the CycloneDX/SPDX schemas are not in {} (run .ci/setup-deps.sh)",
        dir.display()
    );
    None
}

fn read_json(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read schema")).expect("schema json")
}

/// Serves the schemas a CycloneDX schema references (by `$id` base + relative name) from
/// the directory; anything else is refused, so the test never touches the network.
struct LocalSchemas(std::path::PathBuf);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix("http://cyclonedx.org/schema/")
            .ok_or_else(|| format!("not a local schema: {uri}"))?;
        let path = self.0.join(name);
        if !path.is_file() {
            return Err(format!("{} is missing", path.display()).into());
        }
        Ok(read_json(&path))
    }
}

fn errors(validator: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn cyclonedx_validates_against_the_official_1_6_schema() {
    let Some(dir) = schema_dir() else { return };
    let schema = read_json(&dir.join("bom-1.6.SNAPSHOT.schema.json"));
    let validator = jsonschema::options()
        .with_retriever(LocalSchemas(dir.clone()))
        .build(&schema)
        .expect("compile the CycloneDX schema");
    for doc in [cyclonedx(&packages(), &meta()), cyclonedx(&[], &meta())] {
        let errs = errors(&validator, &doc);
        assert!(
            errs.is_empty(),
            "CycloneDX schema errors:\n{}",
            errs.join("\n")
        );
    }
    let mut broken = cyclonedx(&packages(), &meta());
    broken["components"][0]["type"] = serde_json::json!("spaceship");
    assert!(
        !validator.is_valid(&broken),
        "the schema check must be able to fail"
    );
}

#[test]
fn spdx_validates_against_the_official_2_3_schema() {
    let Some(dir) = schema_dir() else { return };
    let schema = read_json(&dir.join("spdx_2_3.json"));
    let validator = jsonschema::options()
        .with_retriever(LocalSchemas(dir.clone()))
        .build(&schema)
        .expect("compile the SPDX schema");
    for doc in [spdx(&packages(), &meta()), spdx(&[], &meta())] {
        let errs = errors(&validator, &doc);
        assert!(errs.is_empty(), "SPDX schema errors:\n{}", errs.join("\n"));
    }
    let mut broken = spdx(&packages(), &meta());
    broken["relationships"][0]["relationshipType"] = serde_json::json!("LIVES_NEXT_TO");
    assert!(
        !validator.is_valid(&broken),
        "the schema check must be able to fail"
    );
}
