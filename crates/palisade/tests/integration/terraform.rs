//! Terraform through `palisade iac` / `palisade scan`: a root module calling a local module
//! twice, variables from `--var`, a plan JSON file, and invalid HCL reported as a diagnostic
//! naming file and line while the rest is scanned.

use std::fs;
use std::path::Path;

use crate::common::{bin, run};

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    };
    w(
        "infra/main.tf",
        r#"variable "admin_cidr" {
  type    = string
  default = "10.0.0.0/8"
}

locals {
  ports = [22]
}

module "web" {
  source = "./modules/sg"
  cidr   = var.admin_cidr
  name   = "web"
}

module "db" {
  source = "./modules/sg"
  cidr   = "0.0.0.0/0"
  name   = "db"
}

resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 10
  encrypted         = local.ports[0] != 22
}
"#,
    );
    w(
        "infra/modules/sg/main.tf",
        r#"variable "cidr" {}
variable "name" {}

resource "aws_security_group" "this" {
  name        = var.name
  description = "admin access for ${var.name}"
  ingress {
    description = "ssh"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.cidr]
  }
}
"#,
    );
    w(
        "broken/main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n",
    );
    w(
        "plan/app.tfplan.json",
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"resources": [
  {"address": "aws_ebs_volume.v", "mode": "managed", "type": "aws_ebs_volume", "name": "v",
   "values": {"encrypted": false}}
]}}}"#,
    );
    dir
}

fn scan(cmd: &str, args: &[&str], dir: &Path) -> serde_json::Value {
    let r = run(bin()
        .args([cmd, "--no-config", "--format", "json", "--fail-on", "never"])
        .args(args)
        .arg(dir));
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", r.stdout, r.stderr))
}

/// Rule, message and every location (path:line:column route) of each Terraform finding.
fn terraform_findings(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("iac/")))
        .map(|f| {
            let locs: Vec<String> = f["locations"]
                .as_array()
                .expect("locations")
                .iter()
                .map(|l| {
                    format!(
                        "{}:{}:{} {}",
                        l["path"].as_str().unwrap_or(""),
                        l["start_line"],
                        l["start_column"],
                        l["route"].as_str().unwrap_or("")
                    )
                })
                .collect();
            format!(
                "{} [{}] {}\n    {}",
                f["rule"].as_str().unwrap_or(""),
                f["severity"].as_str().unwrap_or(""),
                f["message"].as_str().unwrap_or(""),
                locs.join("\n    ")
            )
        })
        .collect();
    out.sort();
    out
}

fn diagnostics(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn terraform_with_a_local_module_plan_json_and_bad_hcl() {
    let dir = tree();
    let v = scan("iac", &[], dir.path());
    let found = terraform_findings(&v);
    insta::assert_snapshot!(found.join("\n"));
    // Invalid HCL: one diagnostic naming the file and its line; the rest was scanned.
    let diags = diagnostics(&v);
    let broken: Vec<&String> = diags
        .iter()
        .filter(|d| d.contains("broken/main.tf"))
        .collect();
    assert_eq!(broken.len(), 1, "{diags:?}");
    assert!(broken[0].contains("broken/main.tf:"), "{diags:?}");
    // The module's security group is one finding with one location per call that fails.
    let ssh: Vec<&String> = found
        .iter()
        .filter(|f| f.starts_with("iac/aws-security-group-ssh-open"))
        .collect();
    assert_eq!(ssh.len(), 1, "{found:#?}");
    assert!(
        ssh[0].contains("module.db.aws_security_group.this"),
        "{ssh:?}"
    );
    assert!(!ssh[0].contains("module.web"), "{ssh:?}");
}

#[test]
fn var_flags_reach_the_evaluation_and_scan_reports_terraform_too() {
    let dir = tree();
    let v = scan("scan", &["--var", "admin_cidr=0.0.0.0/0"], dir.path());
    let found = terraform_findings(&v);
    let ssh: Vec<&String> = found
        .iter()
        .filter(|f| f.starts_with("iac/aws-security-group-ssh-open"))
        .collect();
    assert_eq!(ssh.len(), 1, "{found:#?}");
    assert!(
        ssh[0].contains("module.db.aws_security_group.this")
            && ssh[0].contains("module.web.aws_security_group.this"),
        "one finding, a location per module call: {ssh:?}"
    );
    // A variable file works the same way.
    let vars = dir.path().join("open.tfvars");
    fs::write(&vars, "admin_cidr = \"0.0.0.0/0\"\n").expect("write");
    let v = scan(
        "iac",
        &["--var-file", vars.to_str().expect("utf-8")],
        &dir.path().join("infra"),
    );
    let found = terraform_findings(&v);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("iac/aws-security-group-ssh-open") && f.contains("module.web")),
        "{found:#?}"
    );
}

#[test]
fn terraform_checks_are_listed_and_explained() {
    let r = run(bin().args(["rules", "list"]));
    assert!(
        r.stdout.contains("iac/aws-security-group-ssh-open"),
        "{}",
        r.stdout
    );
    let r = run(bin().args(["explain", "iac/aws-s3-bucket-public-acl"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("CKV_AWS_20"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("KICS `38c5ee0d-7f22-4260-ab72-5073048df100`"),
        "{}",
        r.stdout
    );
    let r = run(bin().args(["explain", "iac/k8s-privileged-container"]));
    assert!(
        r.stdout
            .contains("kics:dd29336b-fe57-445b-a26e-e6aa867ae609"),
        "{}",
        r.stdout
    );
}

#[test]
fn terraform_variables_from_palisade_toml() {
    let dir = tree();
    fs::write(
        dir.path().join("web.tfvars"),
        "admin_cidr = \"0.0.0.0/0\"\n",
    )
    .expect("write");
    let web_open = |toml: &str| {
        fs::write(dir.path().join("palisade.toml"), toml).expect("write");
        let r = run(bin()
            .args(["iac", "--format", "json", "--fail-on", "never"])
            .arg(dir.path()));
        let v: serde_json::Value = serde_json::from_str(&r.stdout)
            .unwrap_or_else(|e| panic!("json: {e}\n{}\n{}", r.stdout, r.stderr));
        terraform_findings(&v)
            .iter()
            .any(|f| f.starts_with("iac/aws-security-group-ssh-open") && f.contains("module.web"))
    };
    assert!(
        web_open("[iac]\nvar-files = [\"web.tfvars\"]\n"),
        "var-files apply"
    );
    assert!(
        !web_open("[iac]\nvar-files = [\"web.tfvars\"]\nvars = { admin_cidr = \"10.1.0.0/16\" }\n"),
        "vars win over var-files"
    );
}
