//! Reading uploads: a multipart form with one file and a few text fields. The file's type is
//! sniffed from its content (never from its name or the client's claim), and a file is served
//! back only with the type it was stored under, `nosniff`, and a sandboxing policy.

use crate::http::error::WebError;
use axum::body::Body;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use safegrid_domain::Violation;
use std::collections::HashMap;
use std::path::Path;

/// Largest upload body: the largest document plus room for the form's other fields.
pub const UPLOAD_LIMIT: usize = safegrid_domain::unit::documents::MAX_DOCUMENT_BYTES + 64 * 1024;

/// A file from the form.
pub struct UploadedFile {
    pub file_name: String,
    /// Sniffed from the content; `None` when it is not a type anything recognises.
    pub media_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// What a multipart form held.
#[derive(Default)]
pub struct Upload {
    pub file: Option<UploadedFile>,
    /// Further photos, each in its own field named `photo_…` (an inspection's findings).
    pub photos: HashMap<String, UploadedFile>,
    pub fields: HashMap<String, String>,
}

/// The most `photo_…` fields one form carries.
pub const MAX_FORM_PHOTOS: usize = 20;

impl Upload {
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A numeric field; a value that is not a number is an error naming the field.
    pub fn id(&self, name: &str) -> Result<Option<i64>, WebError> {
        match self.field(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| Violation::new(name, "error.number").into()),
        }
    }
}

/// Reads the form: the field `file_field` as the file, every other field as text.
pub async fn read(mut multipart: Multipart, file_field: &str) -> Result<Upload, WebError> {
    let unreadable =
        |name: &str| WebError::Malformed(Violation::new(name, "error.body_unreadable"));
    // A body over the route's limit is "too large", not "unreadable".
    let failed = |e: axum::extract::multipart::MultipartError, name: &str| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            unreadable(name)
        }
    };
    let mut upload = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| failed(e, file_field))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name.starts_with("photo_") && name != file_field {
            let bytes = field.bytes().await.map_err(|e| failed(e, &name))?.to_vec();
            if bytes.is_empty() {
                continue;
            }
            if upload.photos.len() >= MAX_FORM_PHOTOS {
                return Err(Violation::new("file", "error.too_many")
                    .with("max", MAX_FORM_PHOTOS)
                    .into());
            }
            let media_type = infer::get(&bytes).map(|k| k.mime_type().to_owned());
            upload.photos.insert(
                name,
                UploadedFile {
                    file_name: String::new(),
                    media_type,
                    bytes,
                },
            );
        } else if name == file_field {
            let file_name = clean_file_name(field.file_name().unwrap_or_default());
            let bytes = field
                .bytes()
                .await
                .map_err(|e| failed(e, file_field))?
                .to_vec();
            if bytes.is_empty() {
                continue;
            }
            let media_type = infer::get(&bytes).map(|k| k.mime_type().to_owned());
            upload.file = Some(UploadedFile {
                file_name,
                media_type,
                bytes,
            });
        } else if !name.is_empty() {
            let text = field.text().await.map_err(|e| failed(e, &name))?;
            crate::http::extract::refuse_pairs_nul([(name.as_str(), text.as_str())])?;
            upload.fields.insert(name, text);
        }
    }
    Ok(upload)
}

/// Photos decoded at once: each takes up to about three times
/// `office::photo::MAX_DECODED_BYTES` while it is worked on, so this bounds their memory
/// (about 1 GB) and leaves the other core to everyone else.
const PHOTO_DECODES: usize = 2;

/// How long an upload waits for a decoding slot before it is told to come back.
const PHOTO_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Re-encodes a photo off the async threads, at most [`PHOTO_DECODES`] at once; one that
/// cannot start within [`PHOTO_WAIT`] answers 503 with Retry-After.
pub async fn reencode_photo(
    bytes: Vec<u8>,
) -> Result<Result<safegrid_office::photo::Photo, safegrid_office::photo::PhotoError>, WebError> {
    static SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PHOTO_DECODES);
    let permit = tokio::time::timeout(PHOTO_WAIT, SLOTS.acquire())
        .await
        .map_err(|_| WebError::Busy {
            retry_after_secs: 10,
        })?
        .map_err(|_| WebError::Internal)?;
    let done = tokio::task::spawn_blocking(move || safegrid_office::photo::process(&bytes))
        .await
        .map_err(|_| WebError::Internal);
    drop(permit);
    done
}

/// A file name as people will see it again: without control characters (NUL among them) and
/// without the bidirectional controls that make `exe.pdf` of `fdp.exe` (U+202E and its kin).
pub fn clean_file_name(raw: &str) -> String {
    raw.chars()
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}')
        })
        .collect()
}

/// Serves a stored file: inline for PDFs and pictures (read in the browser), as an attachment
/// otherwise; always with its stored type, `nosniff` and a sandbox so nothing in it runs.
pub async fn serve(path: &Path, media_type: &str, file_name: &str) -> Result<Response, WebError> {
    let file = tokio::fs::File::open(path).await.map_err(|e| {
        tracing::error!(error = %e, path = %path.display(), "stored file missing");
        WebError::Internal
    })?;
    let length = file.metadata().await.map(|m| m.len()).ok();
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    let mut response = Response::new(body);
    let h = response.headers_mut();
    let content_type = HeaderValue::from_str(media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, content_type);
    if let Some(n) = length {
        h.insert(header::CONTENT_LENGTH, HeaderValue::from(n));
    }
    let inline = media_type == "application/pdf" || media_type.starts_with("image/");
    let encoded: String = form_urlencoded::byte_serialize(file_name.as_bytes()).collect();
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    Ok(response)
}

/// Serves a stored photo (always JPEG, re-encoded when taken in): content-addressed, so the
/// browser may keep it.
pub async fn serve_photo(path: &Path, file_name: &str) -> Result<Response, WebError> {
    let mut response = serve(path, "image/jpeg", file_name).await?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400, immutable"),
    );
    Ok(response)
}

/// The photo in an upload's `file` field, checked to be a picture by its content and
/// re-encoded off the async threads (dropping its metadata), with its thumbnail; `None` when
/// the form has no file. The one place a photo is taken in, for the API and the pages alike.
pub async fn photo_file(upload: &Upload) -> Result<Option<safegrid_store::PhotoFile>, WebError> {
    match upload.file.as_ref() {
        Some(file) => photo_of(file, "file").await.map(Some),
        None => Ok(None),
    }
}

/// The photo in the form's field `name` (one of its `photo_…` fields), checked and re-encoded
/// as [`photo_file`] does; `None` when that field has no file.
pub async fn named_photo(
    upload: &Upload,
    name: &str,
) -> Result<Option<safegrid_store::PhotoFile>, WebError> {
    match upload.photos.get(name) {
        Some(file) => photo_of(file, name).await.map(Some),
        None => Ok(None),
    }
}

/// A picture checked by its content and re-encoded; faults name `field`.
async fn photo_of(file: &UploadedFile, field: &str) -> Result<safegrid_store::PhotoFile, WebError> {
    if !matches!(
        file.media_type.as_deref(),
        Some("image/jpeg" | "image/png" | "image/webp")
    ) {
        return Err(Violation::new(field, "error.photo_type").into());
    }
    let processed = reencode_photo(file.bytes.clone())
        .await?
        .map_err(|e| match e {
            safegrid_office::photo::PhotoError::TooManyPixels => {
                WebError::from(Violation::new(field, "error.photo_pixels"))
            }
            safegrid_office::photo::PhotoError::NotAPicture => {
                WebError::from(Violation::new(field, "error.photo_type"))
            }
            safegrid_office::photo::PhotoError::Encoding(why) => {
                tracing::error!(%why, "photo encoding failed");
                WebError::Internal
            }
        })?;
    Ok(safegrid_store::PhotoFile {
        image: processed.jpeg,
        thumbnail: processed.thumbnail,
        width: processed.width,
        height: processed.height,
    })
}

/// A photo sent inside a JSON body as base64 (a `data:image/…;base64,` URL is taken too),
/// checked and re-encoded as a form's photo is; faults name `field`.
pub async fn base64_photo(raw: &str, field: &str) -> Result<safegrid_store::PhotoFile, WebError> {
    use base64::Engine;
    let data = raw.trim();
    let data = match data.split_once(";base64,") {
        Some((head, rest)) if head.starts_with("data:") => rest,
        _ => data,
    };
    let cleaned: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .map_err(|_| Violation::new(field, "error.photo_type"))?;
    let media_type = infer::get(&bytes).map(|k| k.mime_type().to_owned());
    photo_of(
        &UploadedFile {
            file_name: String::new(),
            media_type,
            bytes,
        },
        field,
    )
    .await
}

/// A photo to add to hazard `hazard`: the `file` (required) at the `stage` field (before by
/// default).
pub async fn new_photo(hazard: i64, upload: &Upload) -> Result<safegrid_store::NewPhoto, WebError> {
    let file = photo_file(upload)
        .await?
        .ok_or_else(|| Violation::new("file", "error.required"))?;
    Ok(safegrid_store::NewPhoto {
        hazard_id: hazard,
        stage: upload.field("stage").unwrap_or_else(|| "before".to_owned()),
        file,
    })
}

impl Upload {
    /// The text fields as a page form's pairs (without the CSRF token), to show the form again.
    pub fn pairs(&self) -> crate::http::extract::FormPairs {
        crate::http::extract::FormPairs(
            self.fields
                .iter()
                .filter(|(k, _)| k.as_str() != "csrf")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// The text fields read into `T` (the API's input type); blank fields count as absent.
    pub fn form<T: serde::de::DeserializeOwned>(&self) -> Result<T, WebError> {
        let pairs: Vec<(String, String)> = self
            .fields
            .iter()
            .filter(|(k, v)| k.as_str() != "csrf" && !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        crate::http::extract::form_from_pairs(&pairs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_direction_and_control_characters() {
        assert_eq!(clean_file_name("report\u{202e}fdp.exe"), "reportfdp.exe");
        assert_eq!(clean_file_name("a\u{2067}b\u{0}c\n.pdf"), "abc.pdf");
        assert_eq!(clean_file_name("隐患照片.jpg"), "隐患照片.jpg");
    }
}
