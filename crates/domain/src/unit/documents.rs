//! Documents a unit keeps on file: the key unit's archive (档案), the files of its management
//! systems, post responsibility letters (岗位责任书), operating procedures (安全操作规程) and
//! the papers of a major hazard source. What may be uploaded is decided by the content, not
//! by the name the file came with.

use crate::invalid::Violation;

/// Files larger than this are refused (scanned contracts run to a few megabytes).
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

crate::closed_set! {
    pub enum DocumentKind {
        Archive = "archive",
        System = "system",
        Letter = "letter",
        Procedure = "procedure",
        HazardSource = "hazard_source",
    }
}

/// The media types accepted, as sniffed from the content, with the extension files are
/// served under: PDF, pictures of paper documents, and office documents.
const ACCEPTED: [(&str, &str); 8] = [
    ("application/pdf", "pdf"),
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/webp", "webp"),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    ("application/msword", "doc"),
    ("application/vnd.ms-excel", "xls"),
];

/// The extension for a sniffed media type, or the reason it is refused.
pub fn accepted_extension(media_type: Option<&str>) -> Result<&'static str, Violation> {
    media_type
        .and_then(|m| ACCEPTED.iter().find(|(t, _)| *t == m))
        .map(|(_, ext)| *ext)
        .ok_or_else(|| Violation::new("file", "error.document_type"))
}

/// Checks an upload's size.
pub fn check_size(len: usize) -> Result<(), Violation> {
    if len == 0 {
        Err(Violation::new("file", "error.required"))
    } else if len > MAX_DOCUMENT_BYTES {
        Err(Violation::new("file", "error.document_size")
            .with("max", (MAX_DOCUMENT_BYTES / 1024 / 1024).to_string()))
    } else {
        Ok(())
    }
}

/// A file name safe to offer in `Content-Disposition`: the last path component, without
/// control characters, quotes or separators, and not empty.
pub fn clean_file_name(raw: &str, extension: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | ';' | ':' | '*' | '?' | '<' | '>' | '|'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() {
        format!("document.{extension}")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_by_content() {
        assert_eq!(accepted_extension(Some("application/pdf")).unwrap(), "pdf");
        assert_eq!(accepted_extension(Some("image/webp")).unwrap(), "webp");
        assert_eq!(
            accepted_extension(Some("text/html")).unwrap_err().key,
            "error.document_type"
        );
        assert!(accepted_extension(None).is_err());
    }

    #[test]
    fn sizes() {
        assert!(check_size(0).is_err());
        assert!(check_size(1).is_ok());
        assert!(check_size(MAX_DOCUMENT_BYTES).is_ok());
        assert_eq!(
            check_size(MAX_DOCUMENT_BYTES + 1).unwrap_err().key,
            "error.document_size"
        );
    }

    #[test]
    fn file_names_lose_paths_and_tricks() {
        assert_eq!(clean_file_name("../../etc/passwd", "pdf"), "passwd");
        assert_eq!(clean_file_name("C:\\docs\\制度.pdf", "pdf"), "制度.pdf");
        assert_eq!(clean_file_name("a\"b;c\r\n.pdf", "pdf"), "abc.pdf");
        assert_eq!(clean_file_name("", "pdf"), "document.pdf");
        assert_eq!(clean_file_name(".hidden", "png"), "hidden");
    }
}
