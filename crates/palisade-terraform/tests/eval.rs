//! Functions, expressions, variables, locals, modules, count/for_each and bad input.

use palisade_terraform::{TfOptions, Value, check_source_report, evaluate_source};

/// Evaluates `expr` as attribute `v` of a resource, with extra top-level HCL `extra`.
fn ev_with(extra: &str, expr: &str) -> Value {
    let src = format!("{extra}\nresource \"t\" \"r\" {{\n  v = {expr}\n}}\n");
    let (model, diags) = evaluate_source(&[("main.tf", &src)], &TfOptions::default());
    assert!(diags.is_empty(), "{expr}: {diags:?}");
    let r = model
        .resources
        .iter()
        .find(|r| r.rtype == "t")
        .expect("resource");
    r.get("v").cloned().unwrap_or(Value::Null)
}

fn ev(expr: &str) -> Value {
    ev_with("", expr)
}

fn json(expr: &str) -> String {
    let v = ev(expr);
    v.to_json().unwrap_or_else(|| format!("<unknown> {v:?}"))
}

#[test]
fn functions() {
    let cases: &[(&str, &str)] = &[
        (r#"lower("AbC")"#, r#""abc""#),
        (r#"upper("abc")"#, r#""ABC""#),
        (r#"title("hello world")"#, r#""Hello World""#),
        (
            r#"format("%s-%03d-%.1f-%v", "a", 7, 1.25, true)"#,
            r#""a-007-1.2-true""#,
        ),
        (
            r#"formatlist("%s=%s", ["a", "b"], "x")"#,
            r#"["a=x","b=x"]"#,
        ),
        (r#"join(",", ["a", "b"], ["c"])"#, r#""a,b,c""#),
        (r#"split(",", "a,b,c")"#, r#"["a","b","c"]"#),
        (r#"concat([1], [2, 3])"#, "[1,2,3]"),
        (r#"merge({a = 1}, {b = 2}, {a = 3})"#, r#"{"a":3,"b":2}"#),
        (r#"lookup({a = 1}, "b", 9)"#, "9"),
        (r#"element(["a", "b"], 3)"#, r#""b""#),
        (r#"index(["a", "b"], "b")"#, "1"),
        (r#"length("héllo")"#, "5"),
        (r#"length({a = 1, b = 2})"#, "2"),
        (r#"contains(["a"], "a")"#, "true"),
        (r#"coalesce("", null, "x")"#, r#""x""#),
        (r#"coalescelist([], [1])"#, "[1]"),
        (r#"compact(["a", "", null, "b"])"#, r#"["a","b"]"#),
        (r#"distinct([1, 2, 1])"#, "[1,2]"),
        (r#"flatten([[1, [2]], 3])"#, "[1,2,3]"),
        (r#"keys({b = 1, a = 2})"#, r#"["a","b"]"#),
        (r#"values({b = 1, a = 2})"#, "[2,1]"),
        (r#"tolist(toset(["a", "a"]))"#, r#"["a"]"#),
        (r#"tomap({a = "x"})"#, r#"{"a":"x"}"#),
        (r#"tostring(12)"#, r#""12""#),
        (r#"tonumber("1.5")"#, "1.5"),
        (r#"tobool("true")"#, "true"),
        (r#"try(local.nope, "fallback")"#, r#""fallback""#),
        (r#"can(tonumber("x"))"#, "false"),
        (r#"replace("a-b-c", "-", "_")"#, r#""a_b_c""#),
        (r#"replace("a1b22", "/[0-9]+/", "_")"#, r#""a_b_""#),
        (r#"regex("(\\d+)-(\\d+)", "10-20")"#, r#"["10","20"]"#),
        (r#"regex("^(?P<k>[a-z]+)", "abc1")"#, r#"{"k":"abc"}"#),
        (r#"regexall("[0-9]", "a1b2")"#, r#"["1","2"]"#),
        (r#"substr("hello", 1, 3)"#, r#""ell""#),
        (r#"substr("hello", -3, -1)"#, r#""llo""#),
        (r#"trimspace("  x \n")"#, r#""x""#),
        (r#"trim("?!hi!?", "!?")"#, r#""hi""#),
        (r#"trimprefix("prefix-x", "prefix-")"#, r#""x""#),
        (r#"trimsuffix("x.tf", ".tf")"#, r#""x""#),
        (r#"chomp("x\n")"#, r#""x""#),
        (
            r#"jsonencode({a = [1, "b", true, null]})"#,
            r#""{\"a\":[1,\"b\",true,null]}""#,
        ),
        (r#"jsondecode("{\"a\": [1, 2]}").a[1]"#, "2"),
        (r#"base64encode("hi")"#, r#""aGk=""#),
        (r#"base64decode("aGk=")"#, r#""hi""#),
        (r#"cidrsubnet("10.0.0.0/16", 8, 2)"#, r#""10.0.2.0/24""#),
        (r#"cidrsubnet("fd00::/56", 8, 1)"#, r#""fd00:0:0:1::/64""#),
        (r#"cidrhost("10.0.1.0/24", 5)"#, r#""10.0.1.5""#),
        (r#"cidrhost("10.0.1.0/24", -1)"#, r#""10.0.1.255""#),
        (r#"cidrnetmask("10.0.0.0/12")"#, r#""255.240.0.0""#),
        (
            r#"cidrsubnets("10.0.0.0/16", 8, 8, 4)"#,
            r#"["10.0.0.0/24","10.0.1.0/24","10.0.16.0/20"]"#,
        ),
        (r#"min(3, 1, 2)"#, "1"),
        (r#"max(3, 1, 2)"#, "3"),
        (r#"max([4, 9]...)"#, "9"),
        (r#"abs(-2)"#, "2"),
        (r#"ceil(1.2)"#, "2"),
        (r#"floor(1.8)"#, "1"),
        (r#"signum(-5)"#, "-1"),
        (r#"pow(2, 10)"#, "1024"),
        (r#"parseint("ff", 16)"#, "255"),
        (r#"sum([1, 2, 3])"#, "6"),
        (r#"range(3)"#, "[0,1,2]"),
        (r#"range(1, 7, 2)"#, "[1,3,5]"),
        (r#"zipmap(["a", "b"], [1, 2])"#, r#"{"a":1,"b":2}"#),
        (r#"setunion(["a"], ["b", "a"])"#, r#"["a","b"]"#),
        (r#"setintersection(["a", "b"], ["b", "c"])"#, r#"["b"]"#),
        (r#"setsubtract(["a", "b"], ["a"])"#, r#"["b"]"#),
        (r#"one(["x"])"#, r#""x""#),
        (r#"one([])"#, "null"),
        (r#"startswith("terraform", "terra")"#, "true"),
        (r#"endswith("terraform", "form")"#, "true"),
        (r#"strcontains("terraform", "rafo")"#, "true"),
        (r#"strrev("abc")"#, r#""cba""#),
        (r#"reverse([1, 2])"#, "[2,1]"),
        (r#"sort(["b", "a"])"#, r#"["a","b"]"#),
        (r#"slice(["a", "b", "c"], 1, 3)"#, r#"["b","c"]"#),
        (r#"chunklist([1, 2, 3], 2)"#, "[[1,2],[3]]"),
        (r#"alltrue([true, "true"])"#, "true"),
        (r#"anytrue([false])"#, "false"),
        (
            r#"transpose({a = ["x", "y"], b = ["x"]})"#,
            r#"{"x":["a","b"],"y":["a"]}"#,
        ),
        (r#"urlencode("a b&c")"#, r#""a%20b%26c""#),
        (r#"indent(2, "a\nb")"#, r#""a\n  b""#),
        (r#"nonsensitive(sensitive("s"))"#, r#""s""#),
    ];
    let mut bad = Vec::new();
    for (expr, want) in cases {
        let got = json(expr);
        if got != *want {
            bad.push(format!("{expr}: got {got}, want {want}"));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(palisade_terraform::funcs::FUNCTIONS.len() >= 40);
}

#[test]
fn unknown_propagates() {
    let extra = "variable \"unset\" {}\ndata \"aws_caller_identity\" \"c\" {}";
    for e in [
        "var.unset",
        "upper(var.unset)",
        "\"x-${var.unset}\"",
        "data.aws_caller_identity.c.account_id",
        "var.unset == \"a\" ? 1 : 2",
        "[for x in var.unset : x]",
        "var.unset.field[0]",
        "timestamp()",
        "jsonencode({a = var.unset})",
    ] {
        assert!(ev_with(extra, e).has_unknown(), "{e}");
    }
    // Known parts stay known.
    assert_eq!(ev_with(extra, "length([var.unset, 1])"), Value::Number(2.0));
    assert_eq!(ev_with(extra, "false && var.unset"), Value::Bool(false));
    assert_eq!(ev_with(extra, "try(var.unset, 1)"), Value::Unknown);
}

#[test]
fn expressions_and_templates() {
    assert_eq!(json("1 + 2 * 3 - 4 / 2"), "5");
    assert_eq!(json("7 % 3 == 1 && !false"), "true");
    assert_eq!(json("-(2) < 1 || 1 >= 2"), "true");
    assert_eq!(
        json("[for i, v in [\"a\", \"b\"] : \"${i}${v}\" if v != \"c\"]"),
        r#"["0a","1b"]"#
    );
    assert_eq!(
        json("{for k, v in {a = 1, b = 2} : v => k}"),
        r#"{"1":"a","2":"b"}"#
    );
    assert_eq!(
        json("{for s in [\"ax\", \"ay\", \"b\"] : substr(s, 0, 1) => s...}"),
        r#"{"a":["ax","ay"],"b":["b"]}"#
    );
    assert_eq!(json("[{a = 1}, {a = 2}][*].a"), "[1,2]");
    assert_eq!(json("[{a = {b = 1}}].*.a.b"), "[1]");
    assert_eq!(json("{a = [10, 20]}[\"a\"][1]"), "20");
    assert_eq!(
        json("\"%{ if 1 == 1 }yes%{ else }no%{ endif }\""),
        r#""yes""#
    );
    assert_eq!(
        json("\"%{ for x in [1, 2] }<${x}>%{ endfor }\""),
        r#""<1><2>""#
    );
    assert_eq!(json("\"a %{~ if true ~} b %{~ endif ~}\""), r#""ab""#);
    assert_eq!(json("<<-EOT\n    x\n      y\n    EOT"), r#""x\n  y\n""#);
    assert_eq!(json("true ? \"t\" : \"f\""), r#""t""#);
}

#[test]
fn variables_locals_and_precedence() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("main.tf"),
        r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "e" { default = "default" }
variable "n" { type = number }
locals {
  z = "${local.y}-z"
  y = "${var.a}-y"
}
resource "t" "r" {
  a = var.a
  b = var.b
  c = var.c
  d = var.d
  e = var.e
  n = var.n + 1
  z = local.z
}
"#,
    )
    .expect("write");
    std::fs::write(
        p.join("terraform.tfvars"),
        "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\nd = \"tfvars\"\n",
    )
    .expect("write");
    std::fs::write(
        p.join("b.auto.tfvars"),
        "b = \"auto-b\"\nc = \"auto-b\"\nd = \"auto-b\"\n",
    )
    .expect("write");
    std::fs::write(p.join("a.auto.tfvars"), "b = \"auto-a\"\n").expect("write");
    std::fs::write(p.join("extra.tfvars"), "c = \"varfile\"\nd = \"varfile\"\n").expect("write");
    let opts = TfOptions {
        var_files: vec!["extra.tfvars".into()],
        vars: vec![("d".into(), "cli".into()), ("n".into(), "41".into())],
        ..TfOptions::default()
    };
    let report = palisade_terraform::scan_dir(p, &opts);
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.resources, 1);
    // Reach the model through a check-free evaluation of the same files.
    let files: Vec<(String, String)> = ["main.tf"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read_to_string(p.join(f)).expect("read"),
            )
        })
        .collect();
    let _ = files;
    let (model, _) = palisade_terraform::evaluate_dir(p, &opts);
    let r = &model.resources[0];
    let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("?").to_string();
    assert_eq!(s("a"), "tfvars");
    assert_eq!(s("b"), "auto-b", "auto.tfvars apply in lexical order");
    assert_eq!(s("c"), "varfile");
    assert_eq!(s("d"), "cli");
    assert_eq!(s("e"), "default");
    assert_eq!(s("z"), "tfvars-y-z");
    assert_eq!(r.get("n"), Some(&Value::Number(42.0)));
}

#[test]
fn unsupported_function_is_reported_once() {
    let src = "resource \"t\" \"a\" {\n  v = nosuch(1)\n  w = nosuch(2)\n}\n";
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(report.diagnostics[0].line, 2);
    assert!(report.diagnostics[0].message.contains("nosuch"));
}

#[test]
fn local_cycle_is_reported() {
    let src = "locals {\n  a = local.b\n  b = local.a\n}\nresource \"t\" \"r\" { v = local.a }\n";
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("cycle")),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn count_for_each_and_cap() {
    let src = r#"
resource "aws_ebs_volume" "v" {
  count             = 3
  availability_zone = "a-${count.index}"
}
resource "aws_ebs_volume" "w" {
  for_each          = toset(["x", "y"])
  availability_zone = each.key
}
resource "t" "big" {
  count = 5000
}
"#;
    let (model, diags) = evaluate_source(&[("main.tf", src)], &TfOptions::default());
    let addrs: Vec<&str> = model
        .resources
        .iter()
        .filter(|r| r.rtype == "aws_ebs_volume")
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(
        addrs,
        [
            "aws_ebs_volume.v[0]",
            "aws_ebs_volume.v[1]",
            "aws_ebs_volume.v[2]",
            "aws_ebs_volume.w[\"x\"]",
            "aws_ebs_volume.w[\"y\"]"
        ]
    );
    assert_eq!(
        model.resources.iter().filter(|r| r.rtype == "t").count(),
        1000
    );
    assert!(
        diags.iter().any(|d| d.message.contains("capped at 1000")),
        "{diags:?}"
    );
    // One finding per block, one location per instance.
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    let f: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "iac/aws-ebs-volume-unencrypted")
        .collect();
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].locations.len(), 3);
    assert_eq!((f[0].locations[0].line, f[0].locations[0].column), (2, 1));
}

#[test]
fn modules_follow_inputs_and_outputs() {
    let root = r#"
module "a" {
  source    = "./mod"
  encrypted = true
}
module "b" {
  source    = "./mod"
  encrypted = false
}
resource "t" "out" { v = module.a.size }
"#;
    let m = r#"
variable "encrypted" {}
resource "aws_ebs_volume" "v" {
  availability_zone = "a"
  encrypted         = var.encrypted
}
output "size" { value = 10 }
"#;
    let report = check_source_report(
        &[("main.tf", root), ("mod/main.tf", m)],
        &TfOptions::default(),
    );
    let f: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "iac/aws-ebs-volume-unencrypted")
        .collect();
    assert_eq!(f.len(), 1, "{:?}", report.findings);
    assert_eq!(f[0].locations.len(), 1);
    assert_eq!(f[0].locations[0].address, "module.b.aws_ebs_volume.v");
    assert_eq!(
        (f[0].locations[0].file.as_str(), f[0].locations[0].line),
        ("mod/main.tf", 5)
    );
    let (model, _) = evaluate_source(
        &[("main.tf", root), ("mod/main.tf", m)],
        &TfOptions::default(),
    );
    let out = model.resources.iter().find(|r| r.rtype == "t").expect("t");
    assert_eq!(out.get("v"), Some(&Value::Number(10.0)));
}

#[test]
fn module_recursion_is_reported() {
    let a = "module \"b\" {\n  source = \"./b\"\n}\n";
    let b = "module \"a\" {\n  source = \"../b\"\n}\nresource \"aws_ebs_volume\" \"v\" { availability_zone = \"x\" }\n";
    let report = check_source_report(&[("main.tf", a), ("b/main.tf", b)], &TfOptions::default());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("recursion")),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn bad_input_never_panics() {
    let cases: Vec<(&str, String)> = vec![
        ("invalid", "resource \"a\" {\n  x = \n".to_string()),
        (
            "deep",
            format!("locals {{ x = {}1{} }}", "[".repeat(5000), "]".repeat(5000)),
        ),
        (
            "deep-template",
            format!("locals {{ x = \"{}\" }}", "${".repeat(3000)),
        ),
        (
            "huge",
            format!("locals {{ x = \"{}\" }}", "a".repeat(5 << 20)),
        ),
        (
            "unknown-type",
            "resource \"nope_thing\" \"x\" { a = 1 }".to_string(),
        ),
        ("self-ref", "resource \"t\" \"a\" { v = t.a.v }".to_string()),
        (
            "bad-fn",
            "resource \"t\" \"a\" { v = nosuch(1) }".to_string(),
        ),
        (
            "range",
            "resource \"t\" \"a\" { v = range(100000000) }".to_string(),
        ),
        (
            "budget",
            "locals { r = range(1000) }\nresource \"t\" \"a\" { v = length(flatten([for a in local.r : [for b in local.r : [for c in local.r : c]]])) }".to_string(),
        ),
        (
            "long-local-chain",
            (0..2000)
                .map(|i| format!("locals {{ l{} = local.l{} }}\n", i + 1, i))
                .collect::<String>()
                + "locals { l0 = 1 }\nresource \"t\" \"r\" { v = local.l2000 }",
        ),
    ];
    let opts = TfOptions {
        max_eval_steps: 200_000,
        ..TfOptions::default()
    };
    for (name, src) in &cases {
        let report = check_source_report(&[("main.tf", src)], &opts);
        if matches!(*name, "invalid" | "deep" | "huge" | "budget") {
            assert!(
                !report.diagnostics.is_empty(),
                "{name}: expected a diagnostic"
            );
            assert!(
                report.diagnostics.iter().all(|d| d.file == "main.tf"),
                "{name}"
            );
        }
    }
    let report = check_source_report(&[("main.tf", &cases[0].1)], &TfOptions::default());
    assert_eq!(report.diagnostics[0].line, 2, "{:?}", report.diagnostics);
}

#[test]
fn tf_json_is_evaluated() {
    let src = r#"{
  "variable": {"enc": {"default": false}},
  "resource": {"aws_ebs_volume": {"v": {"availability_zone": "a", "encrypted": "${var.enc}"}}}
}"#;
    let report = check_source_report(&[("main.tf.json", src)], &TfOptions::default());
    let f = report
        .findings
        .iter()
        .find(|f| f.check == "iac/aws-ebs-volume-unencrypted")
        .expect("finding on the JSON resource");
    assert_eq!(
        (f.locations[0].line, f.locations[0].column),
        (3, 67),
        "{f:?}"
    );
}

#[test]
fn plan_json_gives_the_same_model() {
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
       "values": {"bucket": "data", "acl": "public-read"}},
      {"address": "aws_s3_bucket_versioning.b", "mode": "managed", "type": "aws_s3_bucket_versioning", "name": "b",
       "values": {"bucket": "data", "versioning_configuration": [{"status": "Enabled"}]}}
    ],
    "child_modules": [{"address": "module.m", "resources": [
      {"address": "module.m.aws_ebs_volume.v[0]", "mode": "managed", "type": "aws_ebs_volume", "name": "v", "index": 0,
       "values": {"encrypted": false}}
    ]}]
  }},
  "configuration": {"root_module": {"module_calls": {"m": {"source": "git::https://example.com/m.git"}}}}
}"#;
    let report = palisade_terraform::scan_plan_json("plan.json", plan);
    let ids: Vec<&str> = report.findings.iter().map(|f| f.check).collect();
    assert!(ids.contains(&"iac/aws-s3-bucket-public-acl"), "{ids:?}");
    assert!(ids.contains(&"iac/aws-ebs-volume-unencrypted"), "{ids:?}");
    assert!(
        ids.contains(&"iac/terraform-module-source-unpinned"),
        "{ids:?}"
    );
    assert!(
        !ids.contains(&"iac/aws-s3-bucket-versioning-disabled"),
        "{ids:?}"
    );
    let acl = report
        .findings
        .iter()
        .find(|f| f.check == "iac/aws-s3-bucket-public-acl")
        .expect("acl");
    assert_eq!(acl.locations[0].line, 5);
    // `terraform show -json` prints one line: the column locates the resource.
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(plan).expect("json"))
            .expect("json");
    let report = palisade_terraform::scan_plan_json("plan.json", &compact);
    let acl = report
        .findings
        .iter()
        .find(|f| f.check == "iac/aws-s3-bucket-public-acl")
        .expect("acl");
    assert_eq!(acl.locations[0].line, 1);
    let col = acl.locations[0].column as usize;
    assert!(
        compact[col - 1..].starts_with("\"address\":\"aws_s3_bucket.b\""),
        "{col}"
    );
    let bad = palisade_terraform::scan_plan_json("plan.json", "{}");
    assert_eq!(bad.diagnostics.len(), 1);
}

#[test]
fn s3_v4_resources_are_linked_by_reference_and_name() {
    let src = r#"
resource "aws_s3_bucket" "a" {
  bucket = "a"
}
resource "aws_s3_bucket_versioning" "a" {
  bucket = aws_s3_bucket.a.id
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_versioning" "b" {
  bucket = "b"
  versioning_configuration { status = "Enabled" }
}
resource "aws_s3_bucket" "c" {
  bucket = "c"
}
"#;
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    let v: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "iac/aws-s3-bucket-versioning-disabled")
        .collect();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].locations[0].address, "aws_s3_bucket.c");
}

#[test]
fn iam_policy_forms() {
    let src = r#"
data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["*"]
    resources = ["*"]
  }
}
resource "aws_iam_policy" "heredoc" {
  policy = <<POLICY
{"Statement": [{"Effect": "Allow", "Action": ["*"], "Resource": "*"}]}
POLICY
}
resource "aws_iam_policy" "ref" {
  policy = data.aws_iam_policy_document.d.json
}
resource "aws_iam_policy" "deny" {
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}
"#;
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    let admin: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == "iac/aws-iam-policy-admin-access")
        .map(|f| f.locations[0].address.as_str())
        .collect();
    assert_eq!(
        admin,
        ["data.aws_iam_policy_document.d", "aws_iam_policy.heredoc"]
    );
}

#[test]
fn fixture_stack_findings() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stack");
    let report = palisade_terraform::scan_dir(&dir, &TfOptions::default());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.roots, 1, "modules/* are only used as local modules");
    let got: Vec<String> = report
        .findings
        .iter()
        .map(|f| {
            let locs: Vec<String> = f
                .locations
                .iter()
                .map(|l| format!("{}:{}:{} {}", l.file, l.line, l.column, l.address))
                .collect();
            format!("{} @ {}", f.check, locs.join(" | "))
        })
        .collect();
    let want = [
        "iac/terraform-module-source-unpinned @ main.tf:44:3 module.legacy",
        "iac/aws-iam-policy-wildcard-resource @ main.tf:48:3 data.aws_iam_policy_document.ci",
        "iac/aws-s3-bucket-public-access-block-missing @ modules/bucket/main.tf:5:1 module.bucket[\"assets\"].aws_s3_bucket.this",
        "iac/aws-s3-bucket-versioning-disabled @ modules/bucket/main.tf:5:1 module.bucket[\"assets\"].aws_s3_bucket.this",
        "iac/aws-s3-bucket-public-acl @ modules/bucket/main.tf:11:3 module.bucket[\"assets\"].aws_s3_bucket_acl.this",
        "iac/aws-s3-block-public-acls-disabled @ modules/bucket/main.tf:32:3 module.bucket[\"assets\"].aws_s3_bucket_public_access_block.this",
        "iac/aws-s3-ignore-public-acls-disabled @ modules/bucket/main.tf:34:3 module.bucket[\"assets\"].aws_s3_bucket_public_access_block.this",
        "iac/aws-security-group-ssh-open @ modules/network/main.tf:26:7 module.network[0].aws_security_group.web | modules/network/main.tf:26:7 module.network[1].aws_security_group.web",
    ];
    assert_eq!(got, want);
    let evidence: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.evidence.as_str())
        .collect();
    assert_eq!(evidence[0], "module.legacy:source");
    assert_eq!(evidence[4], "module.bucket.aws_s3_bucket_acl.this:acl");
    assert_eq!(
        evidence[7],
        "module.network.aws_security_group.web:ingress.cidr_blocks"
    );
}

#[test]
fn scan_dir_accepts_a_file_and_reports_invalid_hcl_with_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("broken.tf"), "locals {\n  a = [1,\n}\n").expect("write");
    let report = palisade_terraform::scan_dir(&dir.path().join("main.tf"), &TfOptions::default());
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.check == "iac/aws-ebs-volume-unencrypted")
    );
    assert_eq!(report.diagnostics.len(), 1, "{:?}", report.diagnostics);
    assert_eq!(report.diagnostics[0].file, "broken.tf");
    assert!(
        report.diagnostics[0].message.starts_with("invalid HCL"),
        "{:?}",
        report.diagnostics
    );
}

#[test]
fn modules_installed_by_terraform_init_are_evaluated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path();
    std::fs::write(
        p.join("main.tf"),
        "module \"disk\" {\n  source  = \"example/disk/aws\"\n  version = \"1.0.0\"\n  encrypted = false\n}\nmodule \"absent\" {\n  source  = \"example/absent/aws\"\n  version = \"1.0.0\"\n}\n",
    )
    .expect("write");
    let installed = p.join(".terraform/modules/disk");
    std::fs::create_dir_all(&installed).expect("mkdir");
    std::fs::write(
        installed.join("main.tf"),
        "variable \"encrypted\" {}\nresource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  encrypted = var.encrypted\n}\n",
    )
    .expect("write");
    std::fs::write(
        p.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"disk","Source":"registry.terraform.io/example/disk/aws","Version":"1.0.0","Dir":".terraform/modules/disk"}]}"#,
    )
    .expect("write");
    let report = palisade_terraform::scan_dir(p, &TfOptions::default());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    assert_eq!(report.roots, 1);
    let f = report
        .findings
        .iter()
        .find(|f| f.check == "iac/aws-ebs-volume-unencrypted")
        .expect("finding inside the installed module");
    assert_eq!(f.locations[0].file, ".terraform/modules/disk/main.tf");
    assert_eq!(f.locations[0].address, "module.disk.aws_ebs_volume.v");
}

#[test]
fn policies_with_unknown_arns_are_still_checked() {
    let src = r#"
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_iam_policy" "enc" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "*", Resource = aws_s3_bucket.b.arn }]
  })
}
resource "aws_iam_policy" "heredoc" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "${aws_s3_bucket.b.arn}/*"}]}
EOF
}
resource "aws_iam_policy" "unknown_action" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = var.action, Resource = "*" }]
  })
}
variable "action" {}
"#;
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    let hits: Vec<(String, &str)> = report
        .findings
        .iter()
        .filter(|f| f.check.starts_with("iac/aws-iam-policy"))
        .map(|f| (f.locations[0].address.clone(), f.check))
        .collect();
    assert_eq!(
        hits,
        [(
            "aws_iam_policy.enc".to_string(),
            "iac/aws-iam-policy-wildcard-action"
        )]
    );
    // The marked string reads as Unknown for operators.
    let (model, _) = evaluate_source(&[("main.tf", src)], &TfOptions::default());
    let enc = model
        .resources
        .iter()
        .find(|r| r.name == "enc")
        .expect("enc");
    assert!(enc.get("policy").expect("policy").has_unknown());
}

#[test]
fn bom_and_crlf_are_accepted() {
    let src = "\u{feff}resource \"aws_ebs_volume\" \"v\" {\r\n  availability_zone = \"a\"\r\n  encrypted = false\r\n}\r\n";
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let f = &report
        .findings
        .iter()
        .find(|f| f.check == "iac/aws-ebs-volume-unencrypted")
        .expect("finding")
        .locations[0];
    assert_eq!((f.line, f.column), (3, 3));
}

#[test]
fn unknown_values_never_make_checks_fail() {
    let src = r#"
variable "u" {}
resource "aws_s3_bucket" "b" {
  bucket = var.u
  acl    = var.u
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = var.u
  versioning_configuration { status = var.u }
}
resource "aws_s3_bucket_logging" "l" {
  bucket        = var.u
  target_bucket = "logs"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "e" {
  bucket = var.u
  rule {
    apply_server_side_encryption_by_default { sse_algorithm = "AES256" }
  }
}
resource "aws_s3_bucket_public_access_block" "p" {
  bucket                  = var.u
  block_public_acls       = var.u
  block_public_policy     = var.u
  ignore_public_acls      = var.u
  restrict_public_buckets = var.u
}
resource "aws_security_group" "sg" {
  name        = "sg"
  description = "sg"
  ingress {
    description = "x"
    from_port   = var.u
    to_port     = var.u
    protocol    = "tcp"
    cidr_blocks = [var.u]
  }
}
resource "aws_db_instance" "db" {
  publicly_accessible     = var.u
  storage_encrypted       = var.u
  backup_retention_period = var.u
  deletion_protection     = var.u
}
resource "aws_instance" "i" {
  ami = "ami-1"
  metadata_options { http_tokens = var.u }
  root_block_device { encrypted = var.u }
}
resource "aws_iam_policy" "p" {
  policy = var.u
}
resource "aws_eks_cluster" "c" {
  name                      = "c"
  enabled_cluster_log_types = var.u
  vpc_config {
    endpoint_public_access = var.u
    public_access_cidrs    = var.u
  }
  encryption_config {
    resources = var.u
  }
}
module "m" {
  source  = "example/m/aws"
  version = var.u
}
"#;
    let report = check_source_report(&[("main.tf", src)], &TfOptions::default());
    let fired: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.check, f.message))
        .collect();
    assert!(fired.is_empty(), "{fired:#?}");
}

#[test]
fn module_refs_must_be_versions_or_commits() {
    let src = r#"
module "branch" {
  source = "git::https://example.com/m.git?ref=main"
}
module "tag" {
  source = "git::https://example.com/m.git?ref=v1.2.3"
}
module "sha" {
  source = "git::https://example.com/m.git//sub?ref=0123456789abcdef0123456789abcdef01234567"
}
module "local" {
  source = "./x"
}
"#;
    let report = check_source_report(
        &[("main.tf", src), ("x/main.tf", "")],
        &TfOptions::default(),
    );
    let hits: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.check == "iac/terraform-module-source-unpinned")
        .map(|f| f.locations[0].address.as_str())
        .collect();
    assert_eq!(hits, ["module.branch"]);
}
