//! The login + consent page and the error page: plain HTML, no JavaScript, every echoed value
//! escaped, served with anti-framing and no-referrer headers (RFC 9700 4.16, 4.2.4).

use std::fmt::Write as _;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, PRAGMA, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;

/// The authorization request parameters the page carries from the GET to the POST, as hidden
/// fields, exactly as the client sent them.
pub(crate) const AUTH_PARAMS: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

const CSS: &str = "\
*{box-sizing:border-box}\
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;\
background:#eef1f5;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2430}\
main{background:#fff;width:100%;max-width:26rem;margin:1rem;padding:2rem;border-radius:12px;\
box-shadow:0 2px 14px rgba(20,30,50,.12)}\
h1{font-size:1.3rem;margin:0 0 .75rem}\
p{margin:.5rem 0}\
code{background:#f1f3f7;padding:.05rem .35rem;border-radius:4px;word-break:break-all}\
ul{margin:.4rem 0 1rem;padding-left:1.2rem}\
li{margin:.2rem 0}\
.muted{color:#5b6576;font-size:.9rem}\
.error{background:#fdecec;border:1px solid #f3b7b7;color:#8a1c1c;padding:.6rem .8rem;border-radius:8px}\
label{display:block;font-weight:600;margin:.8rem 0 .25rem}\
input[type=text],input[type=password]{width:100%;padding:.55rem .7rem;font-size:1rem;\
border:1px solid #c5ccd8;border-radius:8px}\
.buttons{display:flex;gap:.75rem;margin-top:1.4rem}\
button{flex:1;padding:.65rem;font-size:1rem;font-weight:600;border-radius:8px;cursor:pointer;\
border:1px solid #2456c8;background:#2d63e0;color:#fff}\
button.secondary{background:#fff;color:#2d3a50;border-color:#c5ccd8}";

/// `Content-Security-Policy`: nothing may load, no script runs, the one inline style is allowed
/// by its hash, and no other site may frame the page. (No `form-action`: browsers apply it to
/// the redirect that follows the POST, which goes to the client.)
fn csp() -> &'static HeaderValue {
    static CSP: OnceLock<HeaderValue> = OnceLock::new();
    CSP.get_or_init(|| {
        // The CSP hash is standard base64 of SHA-256; the library's S256 helper gives base64url.
        let mut hash: String = oauth2_server::s256_challenge(CSS)
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        while hash.len() % 4 != 0 {
            hash.push('=');
        }
        let value = format!(
            "default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; frame-ancestors 'none'"
        );
        HeaderValue::from_str(&value).expect("a CSP of ASCII characters")
    })
}

/// An HTML answer with the page headers.
pub(crate) fn html(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let h = response.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(CONTENT_SECURITY_POLICY, csp().clone());
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(PRAGMA, HeaderValue::from_static("no-cache"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// Appends `s` escaped for HTML text and double- or single-quoted attribute values.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

fn head(out: &mut String, title: &str) {
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\"><title>",
    );
    escape_into(out, title);
    out.push_str("</title><style>");
    out.push_str(CSS);
    out.push_str("</style></head><body><main>");
}

fn scope_label(token: &str) -> Option<&'static str> {
    match token {
        "read" => Some("read your data"),
        "write" => Some("change your data"),
        _ => None,
    }
}

/// What the consent page shows.
pub(crate) struct Consent<'a> {
    /// The client asking.
    pub(crate) client_id: &'a str,
    /// The scope tokens that will be granted.
    pub(crate) scopes: Vec<&'a str>,
    /// Where the user will be sent back.
    pub(crate) redirect_uri: &'a str,
    /// The authorization parameters to carry, as sent.
    pub(crate) hidden: Vec<(&'static str, &'a str)>,
    /// A message after a failed attempt.
    pub(crate) error: Option<&'a str>,
    /// The username to prefill after a failed attempt.
    pub(crate) username: &'a str,
}

impl Consent<'_> {
    /// The page.
    pub(crate) fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let mut title = String::from("Authorize ");
        title.push_str(self.client_id);
        head(&mut out, &title);
        out.push_str("<h1>Sign in to authorize <code>");
        escape_into(&mut out, self.client_id);
        out.push_str("</code></h1>");
        if self.scopes.is_empty() {
            out.push_str("<p>The application asks for access without any specific scope.</p>");
        } else {
            out.push_str("<p>The application <code>");
            escape_into(&mut out, self.client_id);
            out.push_str("</code> asks for access to your account:</p><ul class=\"scopes\">");
            for scope in &self.scopes {
                out.push_str("<li><code>");
                escape_into(&mut out, scope);
                out.push_str("</code>");
                if let Some(label) = scope_label(scope) {
                    let _ = write!(out, ": {label}");
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        out.push_str("<p class=\"muted\">You will then be sent back to <code>");
        escape_into(&mut out, self.redirect_uri);
        out.push_str("</code>.</p>");
        if let Some(error) = self.error {
            out.push_str("<p class=\"error\" role=\"alert\">");
            escape_into(&mut out, error);
            out.push_str("</p>");
        }
        out.push_str("<form method=\"post\" action=\"/oauth/authorize\">");
        for (name, value) in &self.hidden {
            let _ = write!(out, "<input type=\"hidden\" name=\"{name}\" value=\"");
            escape_into(&mut out, value);
            out.push_str("\">");
        }
        out.push_str(
            "<label for=\"username\">Username</label>\
             <input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" \
             autocapitalize=\"none\" required autofocus value=\"",
        );
        escape_into(&mut out, self.username);
        out.push_str(
            "\"><label for=\"password\">Password</label>\
             <input type=\"password\" id=\"password\" name=\"password\" \
             autocomplete=\"current-password\" required>\
             <div class=\"buttons\">\
             <button type=\"submit\" name=\"decision\" value=\"approve\">Approve</button>\
             <button type=\"submit\" name=\"decision\" value=\"deny\" class=\"secondary\" \
             formnovalidate>Deny</button></div></form></main></body></html>",
        );
        out
    }
}

/// The page shown when the request cannot go back to the client (unknown client, bad
/// redirect URI): RFC 6749 4.1.2.1 says inform the user and never redirect.
pub(crate) fn error_page(error: &str, description: &str) -> String {
    let mut out = String::with_capacity(2048);
    head(&mut out, "Authorization error");
    out.push_str(
        "<h1>This authorization request cannot be processed</h1><p class=\"error\"><code>",
    );
    escape_into(&mut out, error);
    out.push_str("</code>: ");
    escape_into(&mut out, description);
    out.push_str(
        "</p><p class=\"muted\">The application that sent you here is misconfigured or the link \
         was altered. You were not redirected back to it.</p></main></body></html>",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        let mut out = String::new();
        escape_into(&mut out, "<script>alert('x')</script>\"&");
        assert_eq!(out, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;");
    }

    #[test]
    fn csp_hash_is_standard_base64() {
        let csp = csp().to_str().unwrap();
        assert!(csp.contains("style-src 'sha256-"));
        assert!(csp.contains("frame-ancestors 'none'"));
        let hash = csp.split("'sha256-").nth(1).unwrap().split('\'').next().unwrap();
        assert_eq!(hash.len(), 44);
        assert!(!hash.contains(['-', '_']));
    }
}
