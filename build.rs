//! Indexes the library-name table when the crate is built (see
//! src/python/libnames_index.rs): a run then finds a module by binary
//! search in constants instead of scanning the whole table first.

use std::fmt::Write as _;

#[path = "src/python/libnames_index.rs"]
mod libnames_index;

const TABLE: &str = "src/python/library_names.txt";

fn main() {
    println!("cargo:rerun-if-changed={TABLE}");
    println!("cargo:rerun-if-changed=src/python/libnames_index.rs");
    let data = std::fs::read_to_string(TABLE).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    let index = libnames_index::index(&data).unwrap_or_else(|e| panic!("{TABLE}: {e}"));
    let mut out = String::new();
    out.push_str("// Written by build.rs from library_names.txt.\n");
    out.push_str("static PACKAGES: &[PackageDef] = &[\n");
    for (name, versions) in &index.packages {
        writeln!(
            out,
            "    PackageDef {{ name: {name:?}, versions: &{versions:?} }},"
        )
        .unwrap();
    }
    writeln!(
        out,
        "];\nconst MODULE_COUNT: usize = {};",
        index.modules.len()
    )
    .unwrap();
    out.push_str("static MODULES: [ModuleDef; MODULE_COUNT] = [\n");
    for (name, package, present, body) in &index.modules {
        writeln!(
            out,
            "    ModuleDef {{ name: {name:?}, package: {package}, present: {present:#x}, body: {body:?} }},"
        )
        .unwrap();
    }
    out.push_str("];\nstatic NAMESPACES: &[Span] = &[\n");
    for span in &index.namespaces {
        writeln!(out, "    {span:?},").unwrap();
    }
    out.push_str("];\n");
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("library_index.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
