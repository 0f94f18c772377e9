use super::*;

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("esign-journal-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    dir
}

fn entry(id: &str, outcome: BulkOutcome) -> BulkEntry {
    BulkEntry { id: id.to_owned(), outcome, attempts: 1, lost_answers: 0 }
}

#[test]
fn times_are_written_as_rfc3339() {
    let at = |secs: u64| rfc3339(std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs));
    assert_eq!(at(0), "1970-01-01T00:00:00Z");
    assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(at(1_795_521_599), "2026-11-24T11:59:59Z");
}

#[cfg(feature = "bulk")]
fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

#[cfg(feature = "bulk")]
#[test]
fn a_journal_is_read_back_and_resumed() {
    let path = scratch("resume");
    let run = ids(&["a", "b", "c"]);
    let journal = Journal::create(&path).unwrap();
    assert!(Journal::create(&path).is_err(), "an existing journal is never overwritten");
    journal.begin("cancel", &run).unwrap();
    journal.sending("a", 1);
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 100;
    journal.record(&entry("a", BulkOutcome::Queued), Some(RateLimit { limit: 10, remaining: 7, reset })).unwrap();
    journal.sending("b", 1);
    journal.sending("b", 2);
    assert_eq!(journal.synced_len(), std::fs::metadata(&path).unwrap().len(), "sending lines are synced");
    journal.record(&entry("c", BulkOutcome::NotAttempted), None).unwrap();
    journal.finish().unwrap();
    drop(journal);
    // A torn last line, as a power cut could leave.
    std::fs::OpenOptions::new().append(true).open(&path).unwrap().write_all(b"{\"id\":\"c\",\"outc").unwrap();

    let journal = Journal::open(&path).unwrap();
    let header = journal.header().unwrap();
    assert_eq!((header.operation.as_str(), header.ids), ("cancel", 3));
    assert_eq!(header.ids_sha256, Journal::ids_digest(&["c", "b", "a", "a"]), "order and repeats do not count");
    assert_eq!(journal.final_entry("a").map(|e| e.outcome), Some(BulkOutcome::Queued));
    assert_eq!(journal.final_entry("c"), None, "not_attempted is not final");
    assert_eq!((journal.sent_before("a"), journal.sent_before("b"), journal.sent_before("c")), (0, 2, 0));
    let hour = std::time::Duration::from_secs(3600);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    assert_eq!(journal.window_hint(hour, now), Some(RateLimit { limit: 10, remaining: 5, reset }));
    let ten = std::time::Duration::from_secs(10);
    assert_eq!(journal.window_hint(ten, now), None, "a reset further than the wait");
    let refused = journal.begin("remove", &run).unwrap_err();
    assert!(refused.contains("it has `cancel` over 3 ids") && refused.contains("this run is `remove`"), "{refused}");
    assert!(journal.check("cancel", &["a", "b"]).unwrap_err().contains("over 2 ids (ids_sha256 "));
    assert!(std::fs::read(&path).unwrap().ends_with(b"{\"id\":\"c\",\"outc"), "a refused run writes nothing");
    journal.begin("cancel", &run).unwrap();
    drop(journal);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    assert!(lines[2].starts_with(r#"{"id":"a","outcome":"queued","attempts":1,"rate_limit":{"#), "{}", lines[2]);
    assert!(lines[6].ends_with(r#"","resumed":true}"#), "{}", lines[6]);
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn foreign_files_are_refused_untouched() {
    let path = scratch("foreign");
    let refused = |text: &str| {
        std::fs::write(&path, text).unwrap();
        let err = Journal::open(&path).unwrap_err().to_string();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "left as it was");
        err
    };
    assert!(refused("{\"id\":\"a\",\"outcome\":\"queued\",\"attempts\":1}\n")
        .ends_with(":1: not a journal: a journal starts with its header line ({\"operation\": ...})"));
    assert!(refused("sr-1\nsr-2\nsr-3").contains(":1: not a journal line: "));
    assert!(
        refused("sr-1").ends_with(":1: not a journal: a journal starts with its header line ({\"operation\": ...})")
    );
    assert!(refused("\n\n").ends_with(":1: not a journal: no header line"));
    let header = r#"{"operation":"x","started":"","ids":1,"ids_sha256":"00"}"#;
    assert!(refused(&format!("{header}\nnot json\n")).contains(":2: not a journal line: "));
    assert!(refused("{\"operation\":\"x\",\"started\":\"\",\"ids\":1}\n").contains("missing field `ids_sha256`"));
    let other = r#"{"operation":"x","started":"","ids":1,"ids_sha256":"01","resumed":true}"#;
    assert!(refused(&format!("{header}\n{other}\n")).contains(":2: two runs in one journal"));
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn counts_beyond_u32_are_refused() {
    let path = scratch("counts");
    let header = r#"{"operation":"x","started":"","ids":1,"ids_sha256":"00"}"#;
    for (line, field) in [
        (r#"{"id":"a","sending":4294967296}"#, "sending"),
        (r#"{"id":"a","sending":-1}"#, "sending"),
        (r#"{"id":"a","outcome":"queued","attempts":4294967296}"#, "attempts"),
        (r#"{"id":"a","outcome":"queued","attempts":1,"lost_answers":1e30}"#, "lost_answers"),
    ] {
        std::fs::write(&path, format!("{header}\n{line}\n")).unwrap();
        let err = Journal::open(&path).unwrap_err().to_string();
        assert!(
            err.contains(&format!(":2: `{field}` is ")) && err.ends_with("not a count from 0 to 4294967295"),
            "{err}"
        );
    }
    std::fs::write(&path, format!("{header}\n{{\"id\":\"a\",\"sending\":4294967295}}\n")).unwrap();
    assert_eq!(Journal::open(&path).unwrap().sent_before("a"), u32::MAX);
    std::fs::remove_file(&path).unwrap();
}

#[cfg(feature = "bulk")]
#[test]
fn a_journal_without_a_whole_header_starts_afresh() {
    let path = scratch("fresh");
    for start in ["", "{\"operation\":\"canc", "{\"op", "\0\0\0"] {
        std::fs::write(&path, start).unwrap();
        let journal = Journal::open(&path).unwrap();
        assert_eq!(journal.header(), None);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), start, "opening writes nothing");
        journal.begin("cancel", &ids(&["a"])).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\"operation\":\"cancel\",") && text.lines().count() == 1, "{text:?}");
        assert!(!text.contains("resumed"), "{text}");
    }
    std::fs::remove_file(&path).unwrap();
}
