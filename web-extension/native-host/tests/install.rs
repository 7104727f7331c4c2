//! `knik-native-host install | uninstall | --diagnose` in a temporary HOME (and a staging
//! directory for `--system`): the manifests land where each browser looks (reference/web-eid.md
//! §1.10), point at this binary, allow exactly the extension ids given, and go away again;
//! `--diagnose` tells which browsers are registered, whether pcscd runs and whether a PIN
//! dialog exists, and fails when something stops the browser from reaching the card. Under a
//! strict umask the directories created are still 0755 and the manifests 0644, so a browser
//! run by another user can read a system manifest.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::{Value, json};

const CHROME_ID: &str = "ncibgoaomkmdpilpocfeponihegamlic";
const EDGE_ID: &str = "gnmckgbandlkacikdndelhfghdejfido";
const FIREFOX_ID: &str = "{e68418bc-f2b0-4459-a9ea-3e72b6751b07}";

fn run(env: &Env, args: &[&str]) -> Output {
    env.command(args).output().expect("the host runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("manifest written"))
        .expect("manifest is JSON")
}

fn user_manifests(env: &Env) -> Vec<(&'static str, PathBuf)> {
    let home = env.path("home");
    let config = env.path("config");
    vec![
        (
            "chromium",
            config.join("chromium/NativeMessagingHosts/am.knik.json"),
        ),
        (
            "chrome",
            config.join("google-chrome/NativeMessagingHosts/am.knik.json"),
        ),
        (
            "edge",
            config.join("microsoft-edge/NativeMessagingHosts/am.knik.json"),
        ),
        (
            "brave",
            config.join("BraveSoftware/Brave-Browser/NativeMessagingHosts/am.knik.json"),
        ),
        (
            "vivaldi",
            config.join("vivaldi/NativeMessagingHosts/am.knik.json"),
        ),
        (
            "firefox",
            home.join(".mozilla/native-messaging-hosts/am.knik.json"),
        ),
    ]
}

fn this_binary() -> String {
    Path::new(env!("CARGO_BIN_EXE_knik-native-host"))
        .canonicalize()
        .expect("binary")
        .display()
        .to_string()
}

fn diagnose(env: &Env) -> (Output, Value) {
    let o = run(env, &["--diagnose", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&o)));
    (o, v)
}

fn checks<'a>(report: &'a Value, area: &str) -> Vec<&'a Value> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["area"] == area)
        .collect()
}

#[test]
fn user_install_writes_every_browsers_manifest_and_uninstall_removes_them() {
    let env = Env::new();
    let o = run(
        &env,
        &[
            "install",
            "--user",
            "--extension-id",
            CHROME_ID,
            "--extension-id",
            EDGE_ID,
            "--firefox-extension-id",
            FIREFOX_ID,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    for (browser, path) in user_manifests(&env) {
        let m = read_json(&path);
        let mut expected = json!({
            "name": "am.knik",
            "description": "knik: Armenian eID cards in the browser (Web eID compatible)",
            "path": this_binary(),
            "type": "stdio",
        });
        if browser == "firefox" {
            expected["allowed_extensions"] = json!([FIREFOX_ID]);
        } else {
            expected["allowed_origins"] = json!([
                format!("chrome-extension://{CHROME_ID}/"),
                format!("chrome-extension://{EDGE_ID}/"),
            ]);
        }
        assert_eq!(m, expected, "{browser}");
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(&format!("wrote {}", path.display())),
            "{}",
            text(&o)
        );
    }

    let o = run(&env, &["uninstall", "--browser", "brave"]);
    assert!(o.status.success(), "{}", text(&o));
    for (browser, path) in user_manifests(&env) {
        assert_eq!(path.exists(), browser != "brave", "{browser}");
    }
    let o = run(&env, &["uninstall"]);
    assert!(o.status.success());
    assert!(user_manifests(&env).iter().all(|(_, p)| !p.exists()));
    let o = run(&env, &["uninstall"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("no manifest to remove"));
}

#[test]
fn system_install_goes_to_the_system_directories_under_destdir() {
    let env = Env::new();
    let stage = env.path("stage");
    let stage_arg = stage.display().to_string();
    let o = run(
        &env,
        &[
            "install",
            "--system",
            "--destdir",
            &stage_arg,
            "--browser",
            "chrome",
            "--browser",
            "firefox",
            "--host-path",
            "/usr/lib/knik/knik-native-host",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let chrome = read_json(&stage.join("etc/opt/chrome/native-messaging-hosts/am.knik.json"));
    assert_eq!(chrome["path"], "/usr/lib/knik/knik-native-host");
    assert_eq!(
        chrome["allowed_origins"],
        json!(["chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/"]),
        "the placeholder until the extension is published"
    );
    assert!(
        text(&o).contains("placeholder extension id"),
        "{}",
        text(&o)
    );
    let firefox = read_json(&stage.join("usr/lib/mozilla/native-messaging-hosts/am.knik.json"));
    assert_eq!(
        firefox["allowed_extensions"],
        json!(["knik-extension@placeholder.invalid"])
    );
    assert!(
        !stage.join("etc/chromium").exists(),
        "only the browsers asked for"
    );
    assert!(
        user_manifests(&env).iter().all(|(_, p)| !p.exists()),
        "nothing per user"
    );
    let o = run(
        &env,
        &[
            "uninstall",
            "--system",
            "--destdir",
            &stage_arg,
            "--browser",
            "all",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !stage
            .join("etc/opt/chrome/native-messaging-hosts/am.knik.json")
            .exists()
    );
}

#[test]
fn malformed_extension_ids_and_relative_host_paths_are_refused() {
    let env = Env::new();
    let o = run(&env, &["install", "--extension-id", "not-an-id"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("32 letters from a to p"), "{}", text(&o));
    let o = run(&env, &["install", "--firefox-extension-id", "knik"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&env, &["install", "--host-path", "knik-native-host"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("absolute path"), "{}", text(&o));
    let o = run(&env, &["install", "--browser", "netscape"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(user_manifests(&env).iter().all(|(_, p)| !p.exists()));
}

#[test]
fn diagnose_reports_missing_manifests_then_registered_browsers() {
    let env = Env::new();
    let (o, report) = diagnose(&env);
    assert_eq!(
        o.status.code(),
        Some(1),
        "no browser can start the host yet"
    );
    assert_eq!(report["ok"], false);
    let manifests = checks(&report, "manifest");
    assert!(
        manifests
            .iter()
            .any(|c| c["status"] == "problem"
                && c["text"].as_str().unwrap_or("").contains("install")),
        "{manifests:?}"
    );
    assert!(
        manifests.iter().any(
            |c| c["text"] == "Brave: not registered (knik-native-host install --browser brave)"
        ),
        "{manifests:?}"
    );
    let host = checks(&report, "host");
    assert_eq!(host[0]["status"], "ok");
    assert!(
        host[0]["text"]
            .as_str()
            .unwrap_or("")
            .contains(&this_binary())
    );
    let dialog = checks(&report, "pin-dialog");
    assert!(
        dialog[0]["text"]
            .as_str()
            .unwrap_or("")
            .contains(&env.path("pinentry").display().to_string()),
        "KNIK_PINENTRY is the dialog: {dialog:?}"
    );

    let o = run(
        &env,
        &[
            "install",
            "--extension-id",
            CHROME_ID,
            "--firefox-extension-id",
            FIREFOX_ID,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let (_, report) = diagnose(&env);
    let manifests = checks(&report, "manifest");
    assert_eq!(manifests.len(), 6, "{manifests:?}");
    assert!(
        manifests.iter().all(|c| c["status"] == "ok"),
        "every browser registered and pointing here: {manifests:?}"
    );
    assert!(
        manifests[1]["text"]
            .as_str()
            .unwrap_or("")
            .starts_with("Google Chrome (user)")
    );

    // A manifest whose binary is gone is a problem the report names.
    let (_, chrome) = &user_manifests(&env)[1];
    let mut m = read_json(chrome);
    m["path"] = json!("/nonexistent/knik-native-host");
    std::fs::write(chrome, m.to_string()).expect("rewrite");
    let (_, report) = diagnose(&env);
    assert!(
        checks(&report, "manifest")
            .iter()
            .any(|c| c["status"] == "problem"
                && c["text"]
                    .as_str()
                    .unwrap_or("")
                    .contains("/nonexistent/knik-native-host is not an executable file")),
        "{report}"
    );
}

#[test]
fn diagnose_says_when_the_smart_card_service_is_missing() {
    let mut env = Env::new();
    env.set("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm");
    let (o, report) = diagnose(&env);
    assert_eq!(o.status.code(), Some(1));
    let pcsc = checks(&report, "pcsc");
    assert_eq!(pcsc[0]["status"], "problem", "{pcsc:?}");
    assert!(
        pcsc[0]["text"]
            .as_str()
            .unwrap_or("")
            .contains("pcscd is not running")
    );

    // The human report says the same in lines.
    let o = run(&env, &["--diagnose"]);
    let t = String::from_utf8_lossy(&o.stdout);
    assert!(t.contains("PROBLEM pcsc"), "{t}");
    assert!(t.ends_with("see PROBLEM above.\n"), "{t}");
}

#[test]
fn diagnose_lists_the_readers_when_pcscd_runs() {
    let Some(_lock) = pcscd() else { return };
    let _card = insert("citizen", PORT0);
    let env = Env::new();
    let (_, report) = diagnose(&env);
    assert_eq!(checks(&report, "pcsc")[0]["status"], "ok");
    let readers = checks(&report, "reader");
    assert!(
        readers.iter().any(|c| c["status"] == "ok"
            && c["text"]
                .as_str()
                .unwrap_or("")
                .starts_with(&format!("{READER0:?}: Armenian eID card"))),
        "{readers:?}"
    );
    assert!(
        readers
            .iter()
            .any(|c| c["text"] == format!("{READER1:?}: no card")),
        "{readers:?}"
    );
}

#[cfg(unix)]
#[test]
fn under_umask_077_system_directories_are_0755_and_manifests_0644() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let stage = env.path("stage");
    let base = env.command(&[]);
    let mut c = std::process::Command::new("/bin/sh");
    c.arg("-c")
        .arg("umask 077 && exec \"$0\" \"$@\"")
        .arg(base.get_program())
        .args([
            "install",
            "--system",
            "--browser",
            "chrome",
            "--destdir",
            stage.to_str().expect("UTF-8 path"),
            "--host-path",
            "/usr/bin/knik-native-host",
        ]);
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let o = c.output().expect("the host runs");
    assert!(o.status.success(), "{}", text(&o));
    let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
    let manifest = stage.join("etc/opt/chrome/native-messaging-hosts/am.knik.json");
    assert_eq!(mode(&manifest), 0o644, "the manifest");
    for dir in [
        "etc",
        "etc/opt",
        "etc/opt/chrome",
        "etc/opt/chrome/native-messaging-hosts",
    ] {
        assert_eq!(mode(&stage.join(dir)), 0o755, "{dir}");
    }
}
