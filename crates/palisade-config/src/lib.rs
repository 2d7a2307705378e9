//! `palisade.toml`: found upward from the scan root (or given with `--config`).
//!
//! ```toml
//! [scan]
//! engines = ["secrets"]          # which engines run (default: all)
//! exclude = ["tests/fixtures/**"]
//! max-file-size = "10MiB"
//!
//! [rules]
//! disable = ["secrets/generic-password"]
//! severity = { "secrets/jwt" = "low" }
//!
//! [secrets]
//! rules = ["ci/extra-secrets.yml", "gitleaks.toml"]   # relative to this file
//!
//! [deps]
//! max-db-age = "7d"              # warn when the advisory data is older (`0` never warns)
//! internal-prefixes = ["@acme/", "acme-"]   # names only your private registry serves
//! typosquat-allow = ["lodahs"]   # names that look like a typo of a popular one, on purpose
//!
//! [deps.licenses]                # license policy (SPDX ids; no lists: no license findings)
//! allow = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"]
//! deny = ["AGPL-3.0-only", "GPL-3.0-or-later"]
//! ```
//!
//! Unknown keys are errors: a typo must not silently turn a check off. Errors name the
//! file, line and column and quote the offending key (the `toml` crate's spans).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use palisade_finding::Severity;
use serde::Deserialize;

/// The names palisade looks for, in this order, in each directory.
pub const FILE_NAMES: [&str; 2] = ["palisade.toml", ".palisade.toml"];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub scan: ScanConfig,
    #[serde(default)]
    pub rules: RulesConfig,
    #[serde(default)]
    pub secrets: SecretsConfig,
    #[serde(default)]
    pub iac: IacConfig,
    #[serde(default)]
    pub triage: TriageConfig,
    #[serde(default)]
    pub deps: DepsConfig,
    #[serde(default)]
    pub advisory: AdvisoryConfig,
    /// The file this came from (not part of the TOML).
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ScanConfig {
    /// Engines to run; `None` means all.
    pub engines: Option<Vec<String>>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A size such as `10MiB`.
    pub max_file_size: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RulesConfig {
    /// Rule ids (or whole engines, `secrets`) not to report.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Rule ids to report even when an engine is disabled by default.
    #[serde(default)]
    pub enable: Vec<String>,
    /// Severity overrides by rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsConfig {
    /// Extra rule files: palisade YAML or gitleaks TOML, relative to the config file.
    #[serde(default)]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct IacConfig {
    /// Custom IaC policy files or directories of them, relative to the config file.
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// Terraform variable files (like `--var-file`), relative to the config file.
    #[serde(default)]
    pub var_files: Vec<PathBuf>,
    /// Terraform variables (like `--var NAME=VALUE`); the command line wins.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    /// Helm values files (like `--values FILE`), relative to the config file; before the
    /// command line's.
    #[serde(default)]
    pub helm_values: Vec<PathBuf>,
    /// Helm values (like `--set KEY=VALUE`), before the command line's.
    #[serde(default)]
    pub helm_set: Vec<String>,
}

/// `[triage]`: the findings store's triage settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TriageConfig {
    /// `[triage.sla]`: days to fix per severity (unset: the defaults 7/30/90/120).
    #[serde(default)]
    pub sla: SlaConfig,
}

/// Days to fix a finding, per severity; `0` means no deadline.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SlaConfig {
    pub critical: Option<u32>,
    pub high: Option<u32>,
    pub medium: Option<u32>,
    pub low: Option<u32>,
    pub info: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DepsConfig {
    /// Warn when the advisory database was last refreshed longer ago than this: a
    /// duration such as `7d`, `36h` or `90m`; `0` never warns. Default
    /// [`DEFAULT_MAX_DB_AGE_SECS`].
    pub max_db_age: Option<String>,
    /// Name prefixes (`acme-`) and npm scopes (`@acme/`) of internal packages: such a
    /// package resolved without a pinned private registry is a dependency-confusion risk.
    #[serde(default)]
    pub internal_prefixes: Vec<String>,
    /// Names not to report as typosquats.
    #[serde(default)]
    pub typosquat_allow: Vec<String>,
    /// `[deps.licenses]`: the license policy.
    #[serde(default)]
    pub licenses: LicensesConfig,
}

/// `[deps.licenses]`: SPDX license ids allowed and denied (`GPL-2.0+` also matches
/// `GPL-2.0-or-later`). With an allow list, a license on neither list is reported too.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LicensesConfig {
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub deny: Vec<String>,
}

/// `[advisory]`: the disclosure policy of `palisade advisory` (unset: the defaults).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AdvisoryConfig {
    /// Days from receipt to the fix deadline (default 90).
    pub fix_days: Option<u32>,
    /// Days from the fix to publishing the details (default 30).
    pub details_days: Option<u32>,
    /// Days to the fix deadline when exploited in the wild (default 7).
    pub exploited_days: Option<u32>,
    /// Days a report waits in needs-more-info before closing (default 14).
    pub needs_info_days: Option<u32>,
    /// Days before a deadline that `advisory due` lists it (default 14).
    pub remind_days: Option<u32>,
    /// The publisher named in CSAF documents.
    pub publisher: Option<String>,
    /// The publisher's namespace URL in CSAF documents.
    pub namespace: Option<String>,
}

/// The default `deps.max-db-age`: 7 days.
pub const DEFAULT_MAX_DB_AGE_SECS: u64 = 7 * 24 * 3600;

impl DepsConfig {
    /// `max-db-age` in seconds (`None`: never warn). Validated when the config is parsed.
    pub fn max_db_age_secs(&self) -> Option<u64> {
        match &self.max_db_age {
            None => Some(DEFAULT_MAX_DB_AGE_SECS),
            Some(s) => parse_duration_secs(s).filter(|&n| n > 0),
        }
    }
}

/// `7d`, `36h`, `90m`, `45s`, `2w`, or `0`: a duration in seconds.
pub fn parse_duration_secs(s: &str) -> Option<u64> {
    let s = s.trim();
    if s == "0" {
        return Some(0);
    }
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult = match unit.trim() {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    n.checked_mul(mult)
}

impl Config {
    /// Parses TOML text; `path` is used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            path: path.display().to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        cfg.source = Some(path.to_path_buf());
        cfg.validate(path)?;
        Ok(cfg)
    }

    /// Reads a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Finds `palisade.toml` in `start` or the nearest parent directory.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = start.canonicalize().ok()?;
        let mut dir = if start.is_file() {
            start.parent()?.to_path_buf()
        } else {
            start
        };
        loop {
            for name in FILE_NAMES {
                let p = dir.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            if !dir.pop() {
                return None;
            }
        }
    }

    /// A path from the config, resolved against the config file's directory.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match self.source.as_deref().and_then(Path::parent) {
            Some(dir) if p.is_relative() => dir.join(p),
            _ => p.to_path_buf(),
        }
    }

    /// Whether a rule is switched off by `[rules] disable` (by id or by engine).
    pub fn rule_disabled(&self, rule_id: &str) -> bool {
        let engine = rule_id.split_once('/').map_or(rule_id, |(e, _)| e);
        if self.rules.enable.iter().any(|r| r == rule_id) {
            return false;
        }
        self.rules
            .disable
            .iter()
            .any(|d| d == rule_id || d == engine)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let bad = |message: String| ConfigError::Invalid {
            path: path.display().to_string(),
            message,
        };
        if let Some(size) = &self.scan.max_file_size
            && parse_size_ok(size).is_none()
        {
            return Err(bad(format!(
                "key `scan.max-file-size`: `{size}` is not a size (write e.g. `10MiB`, `512KiB`)"
            )));
        }
        if let Some(age) = &self.deps.max_db_age
            && parse_duration_secs(age).is_none()
        {
            return Err(bad(format!(
                "key `deps.max-db-age`: `{age}` is not a duration (write e.g. `7d`, `36h`, or `0` never to warn)"
            )));
        }
        for id in self.rules.disable.iter().chain(self.rules.severity.keys()) {
            if id.trim().is_empty() {
                return Err(bad("key `rules`: an empty rule id".into()));
            }
        }
        Ok(())
    }
}

fn parse_size_ok(s: &str) -> Option<()> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    num.parse::<f64>().ok()?;
    matches!(
        unit.trim().to_ascii_lowercase().as_str(),
        "" | "b" | "k" | "kb" | "kib" | "m" | "mb" | "mib" | "g" | "gb" | "gib"
    )
    .then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_config() {
        let c = Config::parse(
            r#"
[scan]
engines = ["secrets"]
exclude = ["vendor/**"]
max-file-size = "2MiB"
[rules]
disable = ["secrets/jwt"]
severity = { "secrets/slack-webhook" = "low" }
[secrets]
rules = ["extra.yml"]
"#,
            Path::new("palisade.toml"),
        )
        .expect("valid");
        assert_eq!(
            c.scan.engines.as_deref(),
            Some(&["secrets".to_string()][..])
        );
        assert!(c.rule_disabled("secrets/jwt"));
        assert!(!c.rule_disabled("secrets/aws-access-key"));
        assert_eq!(c.rules.severity["secrets/slack-webhook"], Severity::Low);
    }

    #[test]
    fn malformed_config_names_file_line_and_key() {
        let err = Config::parse(
            "[scan]\nexclued = [\"x\"]\n",
            Path::new("conf/palisade.toml"),
        )
        .expect_err("unknown key");
        let msg = err.to_string();
        assert!(msg.starts_with("conf/palisade.toml: "), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
        assert!(msg.contains("exclued"), "{msg}");
    }

    #[test]
    fn bad_severity_is_an_error() {
        let err = Config::parse(
            "[rules]\nseverity = { \"secrets/jwt\" = \"huge\" }\n",
            Path::new("palisade.toml"),
        )
        .expect_err("bad severity");
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn bad_size_is_an_error() {
        let err = Config::parse("[scan]\nmax-file-size = \"ten\"\n", Path::new("p.toml"))
            .expect_err("bad size");
        assert!(err.to_string().contains("scan.max-file-size"), "{err}");
    }

    #[test]
    fn deps_max_db_age() {
        let c =
            Config::parse("[deps]\nmax-db-age = \"36h\"\n", Path::new("p.toml")).expect("valid");
        assert_eq!(c.deps.max_db_age_secs(), Some(36 * 3600));
        let never =
            Config::parse("[deps]\nmax-db-age = \"0\"\n", Path::new("p.toml")).expect("valid");
        assert_eq!(never.deps.max_db_age_secs(), None);
        assert_eq!(
            Config::default().deps.max_db_age_secs(),
            Some(DEFAULT_MAX_DB_AGE_SECS)
        );
        let err = Config::parse("[deps]\nmax-db-age = \"a week\"\n", Path::new("p.toml"))
            .expect_err("bad duration");
        assert!(err.to_string().contains("deps.max-db-age"), "{err}");
        assert_eq!(parse_duration_secs("2w"), Some(14 * 86_400));
        assert_eq!(parse_duration_secs("99999999999999999999d"), None);
        assert_eq!(parse_duration_secs("7"), None);
    }

    #[test]
    fn engine_disable_covers_its_rules() {
        let c = Config::parse(
            "[rules]\ndisable = [\"secrets\"]\nenable = [\"secrets/jwt\"]\n",
            Path::new("p.toml"),
        )
        .expect("valid");
        assert!(c.rule_disabled("secrets/aws-access-key"));
        assert!(!c.rule_disabled("secrets/jwt"));
    }

    #[test]
    fn discovers_upward() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("palisade.toml"), "").expect("write");
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).expect("mkdir");
        let found = Config::discover(&sub).expect("found");
        assert!(found.ends_with("palisade.toml"));
    }

    #[test]
    fn advisory_policy_section() {
        let c = Config::parse(
            "[advisory]\nfix-days = 60\nexploited-days = 3\npublisher = \"Acme\"\n",
            Path::new("palisade.toml"),
        )
        .expect("valid");
        assert_eq!(c.advisory.fix_days, Some(60));
        assert_eq!(c.advisory.exploited_days, Some(3));
        assert_eq!(c.advisory.details_days, None);
        assert_eq!(c.advisory.publisher.as_deref(), Some("Acme"));
        let err = Config::parse("[advisory]\nfix-dayz = 1\n", Path::new("p.toml"))
            .expect_err("unknown key");
        assert!(err.to_string().contains("fix-dayz"), "{err}");
    }
}
