//! The command line: `palisade <command> [options]`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "palisade",
    version,
    about = "The AppSec engineer's toolchain in one fast binary: secrets, code, dependencies and IaC in one pass.",
    after_help = "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, 3 configuration or internal error."
)]
pub struct Cli {
    /// Never use the network: commands that need it (`db update`) refuse to run.
    #[arg(long, global = true, env = "PALISADE_OFFLINE", value_parser = clap::builder::FalseyValueParser::new())]
    pub offline: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every static engine over a tree in one pass.
    Scan(ScanArgs),
    /// Look for secrets: in files, or with --git in every commit of the history.
    Secrets(SecretsArgs),
    /// Dependency vulnerabilities: every lockfile under PATH against the advisory database.
    Deps(DepsArgs),
    /// Infrastructure as code: Kubernetes, GitHub Actions, GitLab CI, Dockerfile, Compose, CloudFormation.
    Iac(ScanArgs),
    /// Code patterns: Semgrep-syntax rules (built-in and --rules) on nine languages.
    Sast(crate::sast::SastArgs),
    /// A software bill of materials (CycloneDX or SPDX JSON) from every lockfile under PATH.
    Sbom(SbomArgs),
    /// The offline advisory database (OSV).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// List the rules.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Explain a rule: what it finds, why it matters, how to fix it, with examples.
    Explain {
        /// A rule id, e.g. `secrets/aws-access-key-id`.
        rule: String,
    },
    /// Show who owns paths, and which CODEOWNERS line decided it.
    Owners(OwnersArgs),
    /// Repository security posture: the OpenSSF Scorecard checks decidable from a clone.
    Posture(crate::posture::PostureArgs),
    /// Verify a sigstore bundle (and SLSA provenance) offline against a trusted root.
    Verify(crate::verify::VerifyArgs),
    /// Manage baselines (accepted findings that --baseline hides).
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// The findings store: list, decide, assign, and see the history of findings.
    Triage {
        #[command(subcommand)]
        command: crate::triage::TriageCommand,
    },
    /// Load a SARIF 2.1.0 file from any tool into the findings store.
    Import(crate::triage::ImportArgs),
    /// The AppSec dashboard and upload API (SQLite by default, --store postgres://...).
    Serve(crate::serve::ServeArgs),
    /// Threats, risk summary and data-flow diagram from a threat model (YAML).
    ThreatModel(crate::threat::ThreatModelArgs),
    /// Scan a running web application or API: scoped crawl, passive checks, safe active checks.
    Dast(Box<crate::dast::DastArgs>),
    /// OWASP ASVS 5.0 design review.
    Asvs {
        #[command(subcommand)]
        command: crate::threat::AsvsCommand,
    },
    /// Reported vulnerabilities: intake, triage, CVSS/SSVC, deadlines, OSV/CSAF/GHSA export.
    Advisory {
        #[command(subcommand)]
        command: crate::advisory::AdvisoryCommand,
    },
    /// security.txt (RFC 9116): generate one, or lint a file or URL.
    Securitytxt {
        #[command(subcommand)]
        command: crate::securitytxt::SecuritytxtCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List rules, one a line.
    List {
        /// Only this engine's rules.
        #[arg(long)]
        engine: Option<String>,
        /// `text` or `json`.
        #[arg(long, value_parser = ["text", "json"], default_value = "text")]
        format: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import OSV records: .json files, directories, osv.dev all.zip archives, .jsonl(.zst) bundles.
    Import {
        /// The sources to import.
        #[arg(required = true, num_args = 1..)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Download osv.dev's per-ecosystem all.zip archives and import them (needs the network).
    Update {
        /// OSV ecosystem names, comma-separated (default: every ecosystem palisade inventories).
        #[arg(long, value_delimiter = ',')]
        ecosystems: Vec<String>,
        /// Where the archives are: `<URL>/<Ecosystem>/all.zip` (a mirror, or a test server).
        #[arg(
            long,
            env = "PALISADE_OSV_URL",
            default_value = "https://osv-vulnerabilities.storage.googleapis.com"
        )]
        base_url: String,
        #[command(flatten)]
        db: DbArg,
    },
    /// Show what the database holds: advisories per ecosystem, sources and dates.
    Status {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// The advisory database file (default: palisade/osv.db in the user's cache directory).
    #[arg(long, env = "PALISADE_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum BaselineCommand {
    /// Scan and write every current finding's fingerprint to a baseline file.
    Create {
        #[command(flatten)]
        scan: ScanArgs,
        /// Where to write the baseline.
        #[arg(long, default_value = "palisade-baseline.json")]
        baseline_file: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    /// One self-contained HTML file (offline, strict CSP): filter, sort, group, charts.
    Html,
    /// GitLab's SAST report (gl-sast-report.json) for `artifacts:reports:sast`.
    GitlabSast,
}

impl OutputFormat {
    pub fn to_report(self) -> palisade_report::Format {
        use palisade_report::Format;
        match self {
            OutputFormat::Text => Format::Text,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Markdown => Format::Markdown,
            OutputFormat::Html => Format::Html,
            OutputFormat::GitlabSast => Format::GitlabSast,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// One section per code owner (from CODEOWNERS), `(no owner)` last.
    Owner,
}

#[derive(Debug, Clone, Args)]
pub struct OwnersArgs {
    /// Paths (files or directories), relative to the current directory.
    #[arg(required = true, num_args = 1..)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding fails (the default).
    Any,
    Info,
    Low,
    Medium,
    High,
    Critical,
    /// Never fail on findings (still 3 on errors).
    Never,
}

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Write the report to a file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_enum, default_value = "any")]
    pub fail_on: FailOn,
    /// Show what was skipped and why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Group findings (text and markdown output).
    #[arg(long, value_enum)]
    pub group_by: Option<GroupBy>,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// The files or directories to scan (several for a pre-commit hook's file list).
    #[arg(default_value = ".", num_args = 1..)]
    pub paths: Vec<PathBuf>,
    /// Engines to run, comma-separated (default: all, or `[scan] engines` of palisade.toml).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// The configuration file (default: palisade.toml found upward from PATH).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore any palisade.toml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Hide findings whose fingerprints are in this baseline file.
    #[arg(long)]
    pub baseline: Option<PathBuf>,
    /// Report only findings introduced since this revision (branch, tag or commit): its
    /// tree is scanned as the baseline, read from git without touching the work tree.
    #[arg(long, value_name = "REV")]
    pub baseline_ref: Option<String>,
    /// Report only findings in files changed since --baseline-ref (or HEAD).
    #[arg(long)]
    pub changed_only: bool,
    #[command(flatten)]
    pub walk: WalkArgs,
    /// Extra rule files: palisade YAML, or a gitleaks TOML config (repeatable).
    #[arg(long)]
    pub rules: Vec<PathBuf>,
    /// Custom IaC policies: a YAML policy file or a directory of them (repeatable).
    #[arg(long)]
    pub policies: Vec<PathBuf>,
    /// Terraform variable `NAME=VALUE`, after every variable file (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = crate::iac::parse_var)]
    pub vars: Vec<(String, String)>,
    /// Terraform variable file, after `terraform.tfvars` and `*.auto.tfvars` (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Helm values file for every chart scanned, after its values.yaml (repeatable).
    #[arg(long = "values", value_name = "FILE")]
    pub helm_values: Vec<PathBuf>,
    /// Helm value `KEY=VALUE` (`a.b[0]=x`, `a=1,b=2`), after every values file (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub helm_set: Vec<String>,
    #[command(flatten)]
    pub db: DbArg,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub store: crate::triage::ScanStoreArgs,
    #[command(flatten)]
    pub upload: crate::serve::UploadArgs,
}

#[derive(Debug, Clone, Args)]
pub struct DepsArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Scan a CycloneDX or SPDX JSON SBOM: its packages, by package URL (repeatable;
    /// replaces the default PATH `.`).
    #[arg(long)]
    pub sbom: Vec<PathBuf>,
    /// OpenVEX or CycloneDX VEX document: findings it marks not_affected are not reported
    /// (shown with -v and in JSON diagnostics, with the justification). Repeatable.
    #[arg(long)]
    pub vex: Vec<PathBuf>,
    /// Read every file named on the command line as this format, whatever its name
    /// (`cargo`, `npm`, `yarn`, `pip`, `poetry`, `Cargo.lock`, `cyclonedx`...).
    #[arg(long = "type", value_name = "FORMAT")]
    pub format_type: Option<String>,
}

/// What the walk reads: shared by every command that walks a tree.
#[derive(Debug, Clone, Args)]
pub struct WalkArgs {
    /// Skip files larger than this (e.g. 10MiB).
    #[arg(long)]
    pub max_file_size: Option<String>,
    /// Do not read paths matching this glob (repeatable).
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Read files that .gitignore/.palisadeignore exclude too.
    #[arg(long)]
    pub no_ignore: bool,
}

impl WalkArgs {
    /// `--max-file-size` (or `fallback`, from palisade.toml) in bytes, if given.
    pub fn max_file_size_bytes(&self, fallback: Option<&String>) -> anyhow::Result<Option<u64>> {
        use anyhow::Context;
        self.max_file_size
            .as_ref()
            .or(fallback)
            .map(|s| {
                palisade_input::parse_size(s)
                    .with_context(|| format!("`{s}` is not a size; write e.g. 10MiB or 512KiB"))
            })
            .transpose()
    }
}

#[derive(Debug, Clone, Args)]
pub struct SecretsArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Scan every blob reachable from any ref of the git repository at PATH.
    #[arg(long)]
    pub git: bool,
    /// With --git: only commits after this revision.
    #[arg(long, requires = "git")]
    pub since: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

#[derive(Debug, Clone, Args)]
pub struct SbomArgs {
    /// The directory (or lockfile) to inventory.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Document format.
    #[arg(long, short = 'f', value_enum, default_value = "cyclonedx")]
    pub format: SbomFormat,
    /// Write the document to a file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub walk: WalkArgs,
}
