//! Dockerfiles: instructions (with line continuations and heredocs) and the shell commands of
//! `RUN`, parsed with tree-sitter-bash ([`crate::shell`]) into simple commands and words; a
//! small quote-aware lexer splits `ENV`/`ARG`/`LABEL` pairs and is the fallback for scripts
//! the grammar rejects.

use crate::Hit;
use crate::doc::Pos;

pub const IDS: &[&str] = &[
    "iac/dockerfile-user-missing",
    "iac/dockerfile-user-root",
    "iac/dockerfile-healthcheck-missing",
    "iac/dockerfile-latest-base-image",
    "iac/dockerfile-untagged-base-image",
    "iac/dockerfile-add-remote-url",
    "iac/dockerfile-add-instead-of-copy",
    "iac/dockerfile-curl-pipe-shell",
    "iac/dockerfile-apt-unpinned",
    "iac/dockerfile-apk-unpinned",
    "iac/dockerfile-pip-unpinned",
    "iac/dockerfile-apt-lists-kept",
    "iac/dockerfile-apk-cache-kept",
    "iac/dockerfile-pip-cache-kept",
    "iac/dockerfile-apt-recommends",
    "iac/dockerfile-apt-without-yes",
    "iac/dockerfile-apt-command",
    "iac/dockerfile-cd-in-run",
    "iac/dockerfile-pipefail-missing",
    "iac/dockerfile-sudo",
    "iac/dockerfile-secret-in-env",
    "iac/dockerfile-ssh-port-exposed",
    "iac/dockerfile-maintainer",
    "iac/dockerfile-workdir-relative",
    "iac/dockerfile-apt-update-alone",
    "iac/dockerfile-cmd-shell-form",
    "iac/dockerfile-npm-unpinned",
    "iac/dockerfile-chmod-world-writable",
];

/// One instruction.
#[derive(Debug)]
pub struct Instr {
    pub name: String,
    pub args: String,
    pub start: Pos,
    pub end: Pos,
}

/// Parses instructions. Lines are joined at a trailing `\`; comments inside a continued
/// instruction are dropped; `<<EOF` heredoc bodies belong to their instruction.
pub fn parse(text: &str) -> Vec<Instr> {
    let mut out: Vec<Instr> = Vec::new();
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0;
        for l in text.split_inclusive('\n') {
            v.push((off, l));
            off += l.len();
        }
        v
    };
    let mut i = 0;
    while i < lines.len() {
        let (off, raw) = lines[i];
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let start = Pos {
            line: u32::try_from(i + 1).unwrap_or(u32::MAX),
            col: u32::try_from(line.len() - trimmed.len() + 1).unwrap_or(1),
            byte: off + (line.len() - trimmed.len()),
            file: 0,
        };
        let mut body = String::new();
        let mut cur = trimmed.to_string();
        let mut end_line = i;
        loop {
            let t = cur.trim_end();
            if let Some(stripped) = t.strip_suffix('\\') {
                body.push_str(stripped);
                body.push(' ');
                end_line += 1;
                // Skip comment and empty lines inside a continuation.
                while end_line < lines.len() {
                    let l = lines[end_line].1.trim();
                    if l.starts_with('#') || l.is_empty() {
                        end_line += 1;
                    } else {
                        break;
                    }
                }
                if end_line >= lines.len() {
                    break;
                }
                cur = lines[end_line].1.trim_end_matches(['\n', '\r']).to_string();
            } else {
                body.push_str(t);
                break;
            }
        }
        // Heredoc: `<<EOF` / `<<-EOF` / `<<"EOF"`.
        if let Some(pos) = body.find("<<") {
            let marker: String = body[pos + 2..]
                .trim_start_matches('-')
                .trim_matches(|c| c == '"' || c == '\'')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !marker.is_empty() {
                let mut j = end_line + 1;
                while j < lines.len() {
                    let l = lines[j].1.trim();
                    if l == marker {
                        break;
                    }
                    body.push('\n');
                    body.push_str(lines[j].1.trim_end_matches(['\n', '\r']));
                    j += 1;
                }
                end_line = j.min(lines.len().saturating_sub(1));
            }
        }
        let (name, args) = body
            .split_once(char::is_whitespace)
            .map_or((body.as_str(), ""), |(n, a)| (n, a.trim()));
        let (eoff, eraw) = lines[end_line.min(lines.len() - 1)];
        let eline = eraw.trim_end_matches(['\n', '\r']);
        out.push(Instr {
            name: name.to_ascii_uppercase(),
            args: args.to_string(),
            start,
            end: Pos {
                line: u32::try_from(end_line + 1).unwrap_or(u32::MAX),
                col: u32::try_from(eline.chars().count() + 1).unwrap_or(1),
                byte: eoff + eline.len(),
                file: 0,
            },
        });
        i = end_line + 1;
    }
    out
}

/// Splits a shell command line into simple commands (on `&&`, `||`, `;`, `|`, newlines),
/// each a list of words with quotes removed. Also reports whether a pipe was seen.
pub fn commands(script: &str) -> (Vec<Vec<String>>, bool) {
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut piped = false;
    let mut chars = script.chars().peekable();
    let end_word = |word: &mut String, in_word: &mut bool, cur: &mut Vec<String>| {
        if *in_word {
            cur.push(std::mem::take(word));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    if q == '\\' {
                        if let Some(n) = chars.next() {
                            word.push(n);
                        }
                        continue;
                    }
                    if q == '"' {
                        break;
                    }
                    word.push(q);
                }
            }
            '\\' => {
                if let Some(n) = chars.next() {
                    in_word = true;
                    word.push(n);
                }
            }
            '#' if !in_word => {
                // Comment to end of line.
                for q in chars.by_ref() {
                    if q == '\n' {
                        break;
                    }
                }
                end_word(&mut word, &mut in_word, &mut cur);
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            ';' | '\n' | '&' | '|' | '(' | ')' => {
                end_word(&mut word, &mut in_word, &mut cur);
                if c == '|' {
                    if chars.peek() == Some(&'|') {
                        chars.next();
                    } else {
                        piped = true;
                    }
                }
                if c == '&' && chars.peek() == Some(&'&') {
                    chars.next();
                }
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c if c.is_whitespace() => end_word(&mut word, &mut in_word, &mut cur),
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    end_word(&mut word, &mut in_word, &mut cur);
    if !cur.is_empty() {
        out.push(cur);
    }
    (out, piped)
}

/// The words of a command without `sudo`, env assignments and `command`/`exec` prefixes.
fn program(cmd: &[String]) -> (&[String], bool) {
    let mut i = 0;
    let mut sudo = false;
    while i < cmd.len() {
        let w = cmd[i].as_str();
        if w == "sudo" {
            sudo = true;
            i += 1;
            while i < cmd.len() && cmd[i].starts_with('-') {
                i += 1;
            }
        } else if w == "exec"
            || w == "command"
            || w == "nohup"
            || w == "time"
            || (w.contains('=')
                && !w.starts_with('-')
                && w.split('=')
                    .next()
                    .is_some_and(|n| n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
        {
            i += 1;
        } else {
            break;
        }
    }
    (&cmd[i..], sudo)
}

fn hit(rule: &str, message: String, i: &Instr, identity: String) -> Hit {
    Hit {
        rule: rule.to_string(),
        message,
        route: format!("{}@{}", i.name, i.start.line),
        start: i.start,
        end: i.end,
        identity,
    }
}

fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
    ]
    .iter()
    .any(|k| n.contains(k))
        && !n.ends_with("_FILE")
        && !n.ends_with("_PATH")
}

/// `KEY=value KEY2=value` or `KEY value` pairs of ENV/ARG/LABEL.
fn pairs(args: &str) -> Vec<(String, String)> {
    let (cmds, _) = commands(args);
    let words: Vec<String> = cmds.into_iter().flatten().collect();
    if words.len() >= 2 && !words[0].contains('=') {
        return vec![(words[0].clone(), words[1..].join(" "))];
    }
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (w.clone(), String::new()),
        })
        .collect()
}

/// Every Dockerfile check.
pub fn scan(text: &str) -> Vec<Hit> {
    let instrs = parse(text);
    let mut out = Vec::new();
    let mut stages: Vec<String> = Vec::new(); // aliases of earlier stages
    let mut last_from: Option<&Instr> = None;
    let mut final_user: Option<&Instr> = None;
    let mut has_healthcheck = false;
    let mut pipefail_shell = false;
    let mut pip_no_cache_env = false;
    let mut args: Vec<String> = Vec::new();
    for i in &instrs {
        match i.name.as_str() {
            "FROM" => {
                let words: Vec<&str> = i
                    .args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let image = words.first().copied().unwrap_or("");
                last_from = Some(i);
                final_user = None;
                pipefail_shell = false;
                let lower = image.to_ascii_lowercase();
                let is_stage = stages.iter().any(|s| s.eq_ignore_ascii_case(image));
                let is_var = image.contains('$');
                if !is_stage && !is_var && lower != "scratch" {
                    let (_, after_slash) = lower.rsplit_once('/').unwrap_or(("", &lower));
                    let digest = lower.contains("@sha256:");
                    let tag = after_slash.split_once(':').map(|(_, t)| t);
                    match tag {
                        Some("latest") if !digest => out.push(hit(
                            "iac/dockerfile-latest-base-image",
                            format!("base image `{image}` uses the moving `latest` tag"),
                            i,
                            lower.clone(),
                        )),
                        None if !digest => out.push(hit(
                            "iac/dockerfile-untagged-base-image",
                            format!("base image `{image}` has no tag (it means `latest`)"),
                            i,
                            lower.clone(),
                        )),
                        _ => {}
                    }
                }
                if words.len() >= 3 && words[1].eq_ignore_ascii_case("as") {
                    stages.push(words[2].to_string());
                }
            }
            "USER" => final_user = Some(i),
            "HEALTHCHECK" => has_healthcheck = true,
            "SHELL" => pipefail_shell = i.args.contains("pipefail"),
            "MAINTAINER" => out.push(hit(
                "iac/dockerfile-maintainer",
                "MAINTAINER is deprecated: use a `LABEL org.opencontainers.image.authors`".into(),
                i,
                String::new(),
            )),
            "WORKDIR" => {
                let d = i.args.trim().trim_matches('"');
                let windows_drive = d.len() > 1 && d.as_bytes()[1] == b':';
                if !d.starts_with('/') && !d.starts_with('$') && !windows_drive {
                    out.push(hit(
                        "iac/dockerfile-workdir-relative",
                        format!(
                            "WORKDIR `{d}` is relative: its meaning depends on the previous WORKDIR"
                        ),
                        i,
                        d.to_string(),
                    ));
                }
            }
            "EXPOSE" => {
                for p in i.args.split_whitespace() {
                    if p.split('/').next() == Some("22") {
                        out.push(hit(
                            "iac/dockerfile-ssh-port-exposed",
                            "the image exposes port 22 (SSH)".into(),
                            i,
                            "22".into(),
                        ));
                    }
                }
            }
            "ADD" => {
                let words: Vec<&str> = i
                    .args
                    .split_whitespace()
                    .filter(|w| !w.starts_with("--"))
                    .collect();
                let srcs = &words[..words.len().saturating_sub(1)];
                if srcs
                    .iter()
                    .any(|s| s.starts_with("http://") || s.starts_with("https://"))
                {
                    out.push(hit(
                        "iac/dockerfile-add-remote-url",
                        "ADD downloads a URL with no checksum: use `curl` with verification in RUN (or ADD --checksum)".into(),
                        i,
                        srcs.join(" "),
                    ));
                } else if !i.args.contains("--checksum")
                    && !srcs.iter().any(|s| {
                        let l = s.to_ascii_lowercase();
                        l.ends_with(".tar")
                            || l.contains(".tar.")
                            || l.ends_with(".tgz")
                            || l.ends_with(".txz")
                            || l.starts_with("git@")
                    })
                {
                    out.push(hit(
                        "iac/dockerfile-add-instead-of-copy",
                        "ADD of local files: use COPY, which does not unpack archives or fetch URLs".into(),
                        i,
                        srcs.join(" "),
                    ));
                }
            }
            "ENV" | "ARG" => {
                for (k, v) in pairs(&i.args) {
                    if i.name == "ARG" {
                        args.push(k.clone());
                    }
                    if k.eq_ignore_ascii_case("PIP_NO_CACHE_DIR") {
                        pip_no_cache_env = true;
                    }
                    let literal = !v.is_empty() && !v.starts_with('$');
                    if secret_name(&k) && (literal || i.name == "ARG") {
                        out.push(hit(
                            "iac/dockerfile-secret-in-env",
                            format!(
                                "{} `{k}` holds a secret: it stays in the image history",
                                i.name
                            ),
                            i,
                            k.clone(),
                        ));
                    }
                }
            }
            "CMD" | "ENTRYPOINT" => {
                let a = i.args.trim_start();
                if !a.starts_with('[') && !a.is_empty() {
                    out.push(hit(
                        "iac/dockerfile-cmd-shell-form",
                        format!("{} in shell form: signals do not reach the process (use the JSON form)", i.name),
                        i,
                        i.name.clone(),
                    ));
                }
            }
            "RUN" => run_checks(i, pipefail_shell, pip_no_cache_env, &mut out),
            _ => {}
        }
    }
    let _ = args;
    if let Some(from) = last_from {
        match final_user {
            None => out.push(hit(
                "iac/dockerfile-user-missing",
                "the final stage sets no USER: the container runs as root".into(),
                from,
                String::new(),
            )),
            Some(u) => {
                let who = u.args.split(':').next().unwrap_or("").trim();
                if who == "root" || who == "0" {
                    out.push(hit(
                        "iac/dockerfile-user-root",
                        "the last USER is root: the container runs as root".into(),
                        u,
                        String::new(),
                    ));
                }
            }
        }
        if !has_healthcheck && !from.args.to_ascii_lowercase().starts_with("scratch") {
            out.push(hit(
                "iac/dockerfile-healthcheck-missing",
                "no HEALTHCHECK: the runtime cannot tell a hung container from a healthy one"
                    .into(),
                from,
                String::new(),
            ));
        }
    }
    out
}

fn run_checks(i: &Instr, pipefail_shell: bool, pip_no_cache_env: bool, out: &mut Vec<Hit>) {
    let script = i.args.trim_start();
    // Exec form: ["sh", "-c", "..."] — look at the joined words.
    let script_owned;
    let script = if script.starts_with('[') {
        script_owned = script
            .trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|w| w.trim().trim_matches('"'))
            .collect::<Vec<_>>()
            .join(" ");
        script_owned.as_str()
    } else {
        // Drop RUN flags (--mount=..., --network=...).
        let mut s = script;
        while s.starts_with("--") {
            s = s
                .split_once(char::is_whitespace)
                .map_or("", |(_, r)| r.trim_start());
        }
        s
    };
    // tree-sitter-bash first; the lexer when the grammar cannot parse the script.
    let (cmds, piped) = crate::shell::commands(script).unwrap_or_else(|| commands(script));
    if crate::gha::curl_pipe_shell(script) {
        out.push(hit(
            "iac/dockerfile-curl-pipe-shell",
            "RUN pipes a download straight into a shell".into(),
            i,
            "curl|sh".into(),
        ));
    }
    if piped && !pipefail_shell && !script.contains("pipefail") {
        out.push(hit(
            "iac/dockerfile-pipefail-missing",
            "RUN has a pipe without `set -o pipefail`: a failing first command goes unnoticed"
                .into(),
            i,
            String::new(),
        ));
    }
    let mut apt_install = false;
    let mut apt_update = false;
    let mut sudo_seen = false;
    let mut cd_seen = false;
    let mut apt_lists_removed = script.contains("/var/lib/apt/lists");
    for c in &cmds {
        let (prog, sudo) = program(c);
        if sudo && !sudo_seen {
            sudo_seen = true;
            out.push(hit("iac/dockerfile-sudo", "RUN uses sudo: build steps already run as the image user; sudo adds a setuid binary and TTY surprises".into(), i, String::new()));
        }
        let Some(p0) = prog.first().map(String::as_str) else {
            continue;
        };
        let p0 = p0.rsplit('/').next().unwrap_or(p0);
        let rest: Vec<&str> = prog[1..].iter().map(String::as_str).collect();
        match p0 {
            "cd" if !cd_seen => {
                cd_seen = true;
                out.push(hit(
                    "iac/dockerfile-cd-in-run",
                    "`cd` in RUN: use WORKDIR to change directory".into(),
                    i,
                    String::new(),
                ));
            }
            "apt"
                if rest
                    .first()
                    .is_some_and(|w| *w == "install" || *w == "update" || *w == "upgrade") =>
            {
                out.push(hit(
                    "iac/dockerfile-apt-command",
                    "`apt` is for interactive use: use `apt-get` in scripts".into(),
                    i,
                    String::new(),
                ));
                if rest.first() == Some(&"install") {
                    apt_install = true;
                }
            }
            "apt-get" => {
                let sub = rest
                    .iter()
                    .find(|w| !w.starts_with('-'))
                    .copied()
                    .unwrap_or("");
                if sub == "update" {
                    apt_update = true;
                }
                if sub == "install" {
                    apt_install = true;
                    let pkgs: Vec<&str> = rest
                        .iter()
                        .filter(|w| !w.starts_with('-') && **w != "install")
                        .copied()
                        .collect();
                    let unpinned: Vec<&str> = pkgs
                        .iter()
                        .filter(|p| {
                            !p.contains('=')
                                && !p.contains('$')
                                && !p.ends_with(".deb")
                                && !p.contains('/')
                        })
                        .copied()
                        .collect();
                    if !unpinned.is_empty() {
                        out.push(hit(
                            "iac/dockerfile-apt-unpinned",
                            format!(
                                "apt-get install of unpinned package(s): {}",
                                unpinned.join(", ")
                            ),
                            i,
                            unpinned.join(","),
                        ));
                    }
                    if !rest.contains(&"--no-install-recommends")
                        && !script.contains("APT::Install-Recommends")
                    {
                        out.push(hit(
                            "iac/dockerfile-apt-recommends",
                            "apt-get install without --no-install-recommends".into(),
                            i,
                            String::new(),
                        ));
                    }
                    let yes = rest.iter().any(|w| {
                        *w == "--yes"
                            || *w == "--assume-yes"
                            || *w == "-qq"
                            || (w.starts_with('-') && !w.starts_with("--") && w.contains('y'))
                    });
                    if !yes {
                        out.push(hit(
                            "iac/dockerfile-apt-without-yes",
                            "apt-get install without -y waits for a confirmation that never comes"
                                .into(),
                            i,
                            String::new(),
                        ));
                    }
                }
            }
            "rm" if rest.iter().any(|w| w.contains("/var/lib/apt/lists")) => {
                apt_lists_removed = true
            }
            "apk" if rest.contains(&"add") => {
                let pkgs: Vec<&str> = rest
                    .iter()
                    .skip_while(|w| **w != "add")
                    .skip(1)
                    .filter(|w| !w.starts_with('-'))
                    .copied()
                    .collect();
                // `--virtual NAME` takes an argument.
                let virt = rest
                    .iter()
                    .position(|w| *w == "--virtual" || *w == "-t")
                    .and_then(|p| rest.get(p + 1))
                    .copied();
                let unpinned: Vec<&str> = pkgs
                    .iter()
                    .filter(|p| {
                        !p.contains('=')
                            && !p.contains('$')
                            && Some(**p) != virt
                            && !p.ends_with(".apk")
                    })
                    .copied()
                    .collect();
                if !unpinned.is_empty() {
                    out.push(hit(
                        "iac/dockerfile-apk-unpinned",
                        format!("apk add of unpinned package(s): {}", unpinned.join(", ")),
                        i,
                        unpinned.join(","),
                    ));
                }
                if !rest.contains(&"--no-cache") {
                    out.push(hit(
                        "iac/dockerfile-apk-cache-kept",
                        "apk add without --no-cache keeps the package index in the image".into(),
                        i,
                        String::new(),
                    ));
                }
            }
            "pip" | "pip3" | "python" | "python3" => {
                let args: &[&str] = if p0.starts_with("python") {
                    match rest.iter().position(|w| *w == "pip") {
                        Some(p) if rest.get(p.wrapping_sub(1)) == Some(&"-m") => &rest[p + 1..],
                        _ => continue,
                    }
                } else {
                    &rest[..]
                };
                if args.first() != Some(&"install") {
                    continue;
                }
                let mut unpinned = Vec::new();
                let mut skip = false;
                let mut requirement_file = false;
                for w in &args[1..] {
                    if skip {
                        skip = false;
                        continue;
                    }
                    if matches!(
                        *w,
                        "-r" | "--requirement"
                            | "-c"
                            | "--constraint"
                            | "-e"
                            | "--editable"
                            | "-i"
                            | "--index-url"
                            | "--extra-index-url"
                            | "-f"
                            | "--find-links"
                            | "--target"
                            | "-t"
                            | "--prefix"
                            | "--root"
                    ) {
                        requirement_file |=
                            matches!(*w, "-r" | "--requirement" | "-e" | "--editable");
                        skip = true;
                        continue;
                    }
                    if w.starts_with('-') {
                        continue;
                    }
                    let pinned = w.contains(['=', '<', '>', '~', '@'])
                        || w.contains('/')
                        || w.starts_with('.')
                        || w.ends_with(".whl")
                        || w.ends_with(".tar.gz")
                        || w.contains('$');
                    if !pinned {
                        unpinned.push(*w);
                    }
                }
                if !unpinned.is_empty() {
                    out.push(hit(
                        "iac/dockerfile-pip-unpinned",
                        format!(
                            "pip install of unpinned package(s): {}",
                            unpinned.join(", ")
                        ),
                        i,
                        unpinned.join(","),
                    ));
                }
                if (!unpinned.is_empty() || requirement_file || args.len() > 1)
                    && !args.contains(&"--no-cache-dir")
                    && !pip_no_cache_env
                    && !script.contains("PIP_NO_CACHE_DIR")
                {
                    out.push(hit(
                        "iac/dockerfile-pip-cache-kept",
                        "pip install without --no-cache-dir keeps the wheel cache in the image"
                            .into(),
                        i,
                        String::new(),
                    ));
                }
            }
            "npm" if rest.first().is_some_and(|w| *w == "install" || *w == "i") => {
                let unpinned: Vec<&str> = rest[1..]
                    .iter()
                    .filter(|w| {
                        !w.starts_with('-')
                            && !w.contains('@')
                            && !w.contains('/')
                            && !w.starts_with('.')
                            && !w.contains('$')
                    })
                    .copied()
                    .collect();
                if !unpinned.is_empty() {
                    out.push(hit(
                        "iac/dockerfile-npm-unpinned",
                        format!(
                            "npm install of unpinned package(s): {}",
                            unpinned.join(", ")
                        ),
                        i,
                        unpinned.join(","),
                    ));
                }
            }
            "chmod"
                if rest
                    .iter()
                    .any(|w| *w == "777" || *w == "0777" || *w == "a+w" || *w == "o+w") =>
            {
                out.push(hit(
                    "iac/dockerfile-chmod-world-writable",
                    "chmod makes files world-writable".into(),
                    i,
                    String::new(),
                ));
            }
            _ => {}
        }
    }
    if (apt_install || apt_update) && !apt_lists_removed {
        out.push(hit("iac/dockerfile-apt-lists-kept", "apt-get update/install without `rm -rf /var/lib/apt/lists/*` in the same RUN keeps the package lists in the layer".into(), i, String::new()));
    }
    if apt_update
        && !apt_install
        && cmds.iter().all(|c| {
            program(c)
                .0
                .first()
                .is_none_or(|p| p == "apt-get" || p == "apt")
        })
    {
        out.push(hit("iac/dockerfile-apt-update-alone", "`apt-get update` alone in a RUN: the cached layer goes stale and later installs fetch old lists".into(), i, String::new()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_and_heredocs() {
        let t = "FROM alpine:3.20\nRUN apk add \\\n  # comment\n  curl\nRUN <<EOF\nset -e\necho hi\nEOF\nUSER app\n";
        let i = parse(t);
        let names: Vec<_> = i
            .iter()
            .map(|i| (i.name.as_str(), i.start.line, i.end.line))
            .collect();
        assert_eq!(
            names,
            vec![("FROM", 1, 1), ("RUN", 2, 4), ("RUN", 5, 8), ("USER", 9, 9)]
        );
        assert!(i[2].args.contains("echo hi"));
    }

    #[test]
    fn shell_split() {
        let (c, piped) = commands("apt-get update && apt-get install -y 'a b' c; echo x | tee y");
        assert!(piped);
        assert_eq!(c[1], vec!["apt-get", "install", "-y", "a b", "c"]);
        assert_eq!(c.len(), 4);
    }

    /// Every RUN of the benchmark's real Dockerfiles parses with tree-sitter-bash (no
    /// fallback to the lexer), and both give the same commands where they overlap.
    #[test]
    fn real_dockerfiles_parse_as_shell() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/iac/dockerfiles");
        let Ok(rd) = std::fs::read_dir(&dir) else {
            eprintln!("skipped: {} not found", dir.display());
            return;
        };
        let mut runs = 0;
        for e in rd.flatten() {
            let text = std::fs::read_to_string(e.path()).expect("read");
            for i in parse(&text).iter().filter(|i| i.name == "RUN") {
                let script = i.args.trim_start();
                if script.starts_with('[') || script.starts_with("--") {
                    continue;
                }
                runs += 1;
                let (ts, _) = crate::shell::commands(script)
                    .unwrap_or_else(|| panic!("{}: not parsed: {script}", e.path().display()));
                let (lx, _) = commands(script);
                let first = |c: &Vec<Vec<String>>| -> Vec<String> {
                    c.iter().filter_map(|w| w.first().cloned()).collect()
                };
                for name in first(&ts) {
                    assert!(first(&lx).contains(&name), "{name} in {script}");
                }
            }
        }
        assert!(runs > 10, "{runs}");
    }
}
