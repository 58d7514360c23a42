use super::*;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

fn edit(path: &Path, before: Option<&str>, after: &str, mode: Option<u32>) -> Edit {
    Edit {
        path: path.to_path_buf(),
        display: path.file_name().unwrap().to_string_lossy().into_owned(),
        before: before.map(str::to_string),
        after: after.to_string(),
        reasons: vec!["test".into()],
        mode,
    }
}

fn plan(root: &Path, edits: Vec<Edit>) -> Plan {
    Plan {
        edits,
        root: Some(root.to_path_buf()),
        ..Plan::default()
    }
}

fn temps(dir: &Path) -> Vec<PathBuf> {
    fsutil::leftover_temps(dir)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn every_file_is_written_with_its_mode_and_secrets_go_last() {
    let dir = tempfile::tempdir().unwrap();
    let (compose, env, ignore) = (
        dir.path().join("docker-compose.yml"),
        dir.path().join(".env"),
        dir.path().join(".gitignore"),
    );
    fs::write(&compose, "a\n").unwrap();
    fs::set_permissions(&compose, fs::Permissions::from_mode(0o640)).unwrap();
    let local = dir.path().join(".env.local");
    let pem = dir.path().join("key.pem");
    let p = plan(
        dir.path(),
        vec![
            edit(&env, None, "K=v\n", Some(0o600)),
            edit(&local, None, "L=1\n", None),
            edit(&compose, Some("a\n"), "b\n", None),
            edit(&pem, None, "pem\n", Some(0o600)),
            edit(&ignore, None, ".env\n", None),
        ],
    );
    let order: Vec<&str> = commit_order(&p)
        .iter()
        .map(|e| e.display.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "docker-compose.yml",
            ".gitignore",
            ".env",
            ".env.local",
            "key.pem"
        ]
    );
    p.apply(Apply::default()).unwrap();
    assert_eq!(fs::read_to_string(&compose).unwrap(), "b\n");
    assert_eq!(fs::read_to_string(&env).unwrap(), "K=v\n");
    assert_eq!(fs::read_to_string(&ignore).unwrap(), ".env\n");
    let mode = |p: &Path| fs::metadata(p).unwrap().mode() & 0o7777;
    assert_eq!(mode(&compose), 0o640);
    assert_eq!(mode(&env), 0o600);
    assert_eq!(mode(&ignore), 0o644);
    assert!(temps(dir.path()).is_empty());
}

#[test]
fn a_file_edited_since_planning_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    fs::write(&a, "a0\n").unwrap();
    fs::write(&b, "someone else\n").unwrap();
    let p = plan(
        dir.path(),
        vec![
            edit(&a, Some("a0\n"), "a1\n", None),
            edit(&b, Some("b0\n"), "b1\n", None),
        ],
    );
    let err = p.apply(Apply::default()).unwrap_err().to_string();
    assert!(err.contains("b changed while"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(fs::read_to_string(&a).unwrap(), "a0\n");
    assert_eq!(fs::read_to_string(&b).unwrap(), "someone else\n");
    assert!(temps(dir.path()).is_empty());
}

#[test]
fn an_edit_between_staging_and_rename_restores_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    fs::write(&a, "a0\n").unwrap();
    fs::set_permissions(&a, fs::Permissions::from_mode(0o640)).unwrap();
    fs::write(&b, "b0\n").unwrap();
    let mut p = plan(
        dir.path(),
        vec![
            edit(&a, Some("a0\n"), "a1\n", None),
            edit(&c, None, "new\n", None),
            edit(&b, Some("b0\n"), "b1\n", None),
        ],
    );
    p.actions.push(Action::GitpodEnv {
        name: "K".into(),
        value: "v".into(),
    });
    // The gp step runs after staging and before any rename: another
    // program edits `b` right then.
    let b2 = b.clone();
    let mut ran = 0;
    let mut run = |_: &Action| {
        ran += 1;
        fs::write(&b2, "theirs\n").map_err(anyhow::Error::from)
    };
    let err = p
        .apply(Apply {
            run_action: Some(&mut run),
            ..Apply::default()
        })
        .unwrap_err()
        .to_string();
    assert_eq!(ran, 1);
    assert!(err.contains("b changed while"), "{err}");
    assert!(err.contains("restored c, a as it was"), "{err}");
    assert_eq!(fs::read_to_string(&a).unwrap(), "a0\n");
    assert_eq!(fs::metadata(&a).unwrap().mode() & 0o777, 0o640);
    assert!(!c.exists(), "a created file is removed again");
    assert_eq!(fs::read_to_string(&b).unwrap(), "theirs\n");
    assert!(temps(dir.path()).is_empty());
}

#[test]
fn a_failing_gp_changes_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    fs::write(&a, "a0\n").unwrap();
    let mut p = plan(dir.path(), vec![edit(&a, Some("a0\n"), "a1\n", None)]);
    for name in ["K1", "K2"] {
        p.actions.push(Action::GitpodEnv {
            name: name.into(),
            value: "v".into(),
        });
    }
    let mut calls = 0;
    let mut run = |_: &Action| {
        calls += 1;
        if calls == 2 {
            anyhow::bail!("gp exploded")
        }
        Ok(())
    };
    let err = p
        .apply(Apply {
            run_action: Some(&mut run),
            ..Apply::default()
        })
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "gp exploded; no file was changed (K1 stay stored with gp env)"
    );
    assert_eq!(fs::read_to_string(&a).unwrap(), "a0\n");
    assert!(temps(dir.path()).is_empty());
    // Without a runner, a plan with gp actions is refused up front.
    let err = p.apply(Apply::default()).unwrap_err().to_string();
    assert!(err.contains("cannot run"), "{err}");
}

#[test]
fn a_first_failing_gp_says_nothing_was_changed() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    fs::write(&a, "a0\n").unwrap();
    let mut p = plan(dir.path(), vec![edit(&a, Some("a0\n"), "a1\n", None)]);
    p.actions.push(Action::GitpodEnv {
        name: "K".into(),
        value: "v".into(),
    });
    let mut run = |_: &Action| anyhow::bail!("no gp");
    let err = p
        .apply(Apply {
            run_action: Some(&mut run),
            ..Apply::default()
        })
        .unwrap_err()
        .to_string();
    assert_eq!(err, "no gp; no file was changed");
}

#[test]
fn read_only_links_directories_and_outsiders_are_refused_before_any_write() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    fs::create_dir(&root).unwrap();
    let ok = root.join("ok");
    fs::write(&ok, "0\n").unwrap();
    let ro = root.join("ro");
    fs::write(&ro, "0\n").unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("f"), "0\n").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("linkdir")).unwrap();
    std::os::unix::fs::symlink(outside.join("f"), root.join("linkfile")).unwrap();
    fs::create_dir(root.join("adir")).unwrap();
    let cases = [
        (ro.clone(), "chmod u+w"),
        (root.join("linkdir/f"), "outside the project"),
        (outside.join("f"), "outside the project"),
        (root.join("linkfile"), "symbolic link"),
        (root.join("adir"), "is a directory"),
        (root.join("nodir/f"), "does not exist"),
    ];
    for (target, expected) in cases {
        let p = plan(
            &root,
            vec![
                edit(&ok, Some("0\n"), "1\n", None),
                edit(&target, Some("0\n"), "1\n", None),
            ],
        );
        let err = p.apply(Apply::default()).unwrap_err().to_string();
        assert!(err.contains(expected), "{target:?}: {err}");
        assert!(
            err.to_lowercase().contains("nothing was changed"),
            "{target:?}: {err}"
        );
        assert_eq!(fs::read_to_string(&ok).unwrap(), "0\n");
    }
    assert_eq!(fs::read_to_string(outside.join("f")).unwrap(), "0\n");
    // Agreed to: replaced, and still read-only.
    let p = plan(&root, vec![edit(&ro, Some("0\n"), "1\n", None)]);
    assert_eq!(p.read_only_targets().len(), 1);
    p.apply(Apply {
        replace_read_only: std::slice::from_ref(&ro),
        ..Apply::default()
    })
    .unwrap();
    assert_eq!(fs::read_to_string(&ro).unwrap(), "1\n");
    assert_eq!(fs::metadata(&ro).unwrap().mode() & 0o777, 0o444);
    assert!(temps(&root).is_empty());
}

#[test]
fn owners_are_kept_and_new_files_belong_to_the_directory_owner() {
    if !is_root() {
        eprintln!("skipped: needs root to give files to another uid");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::os::unix::fs::chown(root, Some(1234), Some(2345)).unwrap();
    let compose = root.join("docker-compose.yml");
    fs::write(&compose, "a\n").unwrap();
    std::os::unix::fs::chown(&compose, Some(4321), Some(5432)).unwrap();
    fs::set_permissions(&compose, fs::Permissions::from_mode(0o664)).unwrap();
    let env = root.join(".env");
    let p = plan(
        root,
        vec![
            edit(&compose, Some("a\n"), "b\n", None),
            edit(&env, None, "K=v\n", Some(0o600)),
        ],
    );
    p.apply(Apply::default()).unwrap();
    let m = fs::metadata(&compose).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (4321, 5432, 0o664));
    let m = fs::metadata(&env).unwrap();
    assert_eq!((m.uid(), m.gid(), m.mode() & 0o777), (1234, 2345, 0o600));
}

#[test]
fn leftovers_are_removed_after_the_files_are_written() {
    let dir = tempfile::tempdir().unwrap();
    let left = dir.path().join(".cruddur-obs-abc123");
    fs::write(&left, "HONEYCOMB_API_KEY=x\n").unwrap();
    let mut p = plan(dir.path(), vec![]);
    p.actions.push(Action::RemoveFile {
        path: left.clone(),
        display: ".cruddur-obs-abc123".into(),
        reason: "test".into(),
    });
    p.actions.push(Action::RemoveFile {
        path: dir.path().join(".cruddur-obs-gone"),
        display: ".cruddur-obs-gone".into(),
        reason: "already gone".into(),
    });
    // One that cannot be removed (a directory by that name) is a warning.
    let stuck = dir.path().join(".cruddur-obs-dir");
    fs::create_dir(&stuck).unwrap();
    p.actions.push(Action::RemoveFile {
        path: stuck.clone(),
        display: ".cruddur-obs-dir".into(),
        reason: "test".into(),
    });
    fs::write(&left, "HONEYCOMB_API_KEY=x\n").unwrap();
    let warnings = remove_leftovers(&p);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("could not remove .cruddur-obs-dir: "));
    assert!(!left.exists());
    p.actions.pop();
    fs::write(&left, "HONEYCOMB_API_KEY=x\n").unwrap();
    p.apply(Apply::default()).unwrap();
    assert!(!left.exists());
    assert!(p.summary_lines()[0].starts_with("removed .cruddur-obs-abc123"));
}

#[test]
fn write_files_locks_the_project_and_refuses_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    fs::write(&a, "x\n").unwrap();
    let p = plan(dir.path(), vec![edit(&a, Some("x\n"), "y\n", None)]);
    let held = fsutil::ProjectLock::acquire(dir.path(), fsutil::LOCK_WAIT, || {}).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let worker = std::thread::spawn(move || {
        let r = p.write_files().map_err(|e| e.to_string());
        tx.send(()).unwrap();
        r
    });
    // It waits while the lock is held...
    assert!(rx
        .recv_timeout(std::time::Duration::from_millis(300))
        .is_err());
    assert_eq!(fs::read_to_string(&a).unwrap(), "x\n");
    drop(held);
    // ...and writes once it is released.
    worker.join().unwrap().unwrap();
    assert_eq!(fs::read_to_string(&a).unwrap(), "y\n");
}

#[test]
fn a_first_file_edited_before_its_rename_leaves_everything_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    fs::write(&a, "a0\n").unwrap();
    let mut p = plan(
        dir.path(),
        vec![
            edit(&a, Some("a0\n"), "a1\n", None),
            edit(&b, None, "b1\n", None),
        ],
    );
    p.actions.push(Action::GitpodEnv {
        name: "K".into(),
        value: "v".into(),
    });
    let a2 = a.clone();
    let mut run = |_: &Action| fs::write(&a2, "theirs\n").map_err(anyhow::Error::from);
    let err = p
        .apply(Apply {
            run_action: Some(&mut run),
            ..Apply::default()
        })
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("so it was not overwritten; nothing was changed"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&a).unwrap(), "theirs\n");
    assert!(!b.exists());
    assert!(temps(dir.path()).is_empty());
}
