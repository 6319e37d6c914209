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

/// A document to file as read from an upload form: its fields, and the file's name, sniffed
/// media type and size (the bytes stay with the caller).
#[derive(Debug, Clone, Default)]
pub struct DocumentInput<'a> {
    pub kind: &'a str,
    pub system: Option<&'a str>,
    pub title: Option<&'a str>,
    pub file_name: &'a str,
    pub media_type: Option<&'a str>,
    pub size: usize,
}

/// A document's description, checked: its kind, the system it documents (for a system's
/// file), a title (the file's name when none is given), a safe file name and an accepted type.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentFacts {
    pub kind: DocumentKind,
    pub system: Option<&'static str>,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
}

impl DocumentInput<'_> {
    pub fn parse(&self) -> Result<DocumentFacts, crate::invalid::Invalid> {
        use crate::invalid::{Invalid, optional_text, required_text};
        let mut errors = Invalid::default();
        let kind = errors.keep(DocumentKind::parse("kind", self.kind));
        errors.keep(check_size(self.size));
        let extension = errors.keep(accepted_extension(self.media_type));
        let file_name = extension.map(|e| clean_file_name(self.file_name, e));
        let title = match errors.keep(optional_text("title", self.title, 100)) {
            Some(Some(title)) => Some(title),
            Some(None) => file_name
                .as_deref()
                .and_then(|f| errors.keep(required_text("title", f, 100))),
            None => None,
        };
        let system = match (kind, self.system) {
            (Some(DocumentKind::System), Some(raw)) => errors
                .keep(crate::unit::systems::parse_system("system", raw))
                .map(Some),
            (Some(DocumentKind::System), None) => {
                errors.push(Violation::new("system", "error.required"));
                None
            }
            _ => Some(None),
        };
        errors.into_result()?;
        match (kind, system, title, file_name) {
            (Some(kind), Some(system), Some(title), Some(file_name)) => Ok(DocumentFacts {
                kind,
                system,
                title,
                file_name,
                media_type: self.media_type.unwrap_or_default().to_owned(),
            }),
            _ => Err(Invalid::one("file", "error.required")),
        }
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

    #[test]
    fn a_document_names_every_fault_at_once() {
        let e = DocumentInput {
            kind: "system",
            file_name: "制度.exe",
            media_type: Some("application/x-msdownload"),
            size: 10,
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["file", "system"]);
        let ok = DocumentInput {
            kind: "archive",
            file_name: "../档案.pdf",
            media_type: Some("application/pdf"),
            size: 10,
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.title, ok.file_name);
        assert!(!ok.file_name.contains('/'));
    }
}
