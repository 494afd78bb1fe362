//! The bundled samples: `samples/*.xlsx` equal to what the `init` writer makes of their data
//! (`util/samples.rs`), and passing every check. Regenerate with
//! `UPDATE_SAMPLES=1 cargo test samples`.

use crate::util::samples::{all, path, SEED};

#[test]
fn samples_are_current() {
    let update = std::env::var_os("UPDATE_SAMPLES").is_some();
    for (name, st) in all() {
        let bytes = report_gen::init::workbook(&st).expect("sample workbook builds");
        let file = path(name);
        if update {
            std::fs::write(&file, &bytes).expect("sample written");
            continue;
        }
        let committed = std::fs::read(&file).unwrap_or_default();
        assert!(
            committed == bytes,
            "samples/{name} is out of date: run UPDATE_SAMPLES=1 cargo test samples_are_current"
        );
    }
}

#[test]
fn samples_pass_every_check_and_read_back_to_their_data() {
    for (name, st) in all() {
        let read = report_gen::reader::read(&path(name), Default::default()).expect("sample reads");
        let diags = report_gen::checks::all(&read, None);
        // The seed's own report does not cover 政府信息管理, and its section 六 is “无。”:
        // true findings, warnings.
        let expected: Vec<&str> = if name == SEED {
            vec!["R-X-6", "TEXT-PART"]
        } else {
            vec![]
        };
        let ids: Vec<&str> = diags.iter().map(|d| d.id).collect();
        assert_eq!(ids, expected, "{name}: {diags:#?}");
        assert!(diags.iter().all(|d| !d.is_error()));
        assert_eq!(read.figures, st.figures, "{name}");
        assert_eq!(read.info, st.info, "{name}");
        for (s, parts) in st.narrative.sections.iter().enumerate() {
            let got: Vec<(Option<&str>, &Vec<String>)> = read.narrative.sections[s]
                .iter()
                .map(|p| (p.heading.as_deref(), &p.paragraphs))
                .collect();
            let want: Vec<(Option<&str>, &Vec<String>)> = parts
                .iter()
                .map(|p| (p.heading.as_deref(), &p.paragraphs))
                .collect();
            assert_eq!(got, want, "{name} section {s}");
        }
    }
}
