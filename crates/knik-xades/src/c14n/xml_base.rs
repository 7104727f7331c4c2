//! xml:base fix-up of Canonical XML 1.1 §2.4: when the apex of a document subset drops
//! ancestors that carry `xml:base`, their values are joined into the apex's `xml:base`
//! (RFC 3986 §5.2 reference resolution, keeping `..` segments that cannot be resolved, as the
//! C14N 1.1 "join-URI-References" function and libxml2 do).

struct Parts<'a> {
    scheme: Option<&'a str>,
    authority: Option<&'a str>,
    path: &'a str,
    query: Option<&'a str>,
    fragment: Option<&'a str>,
}

/// RFC 3986 Appendix B.
fn split(uri: &str) -> Parts<'_> {
    let (rest, fragment) = match uri.find('#') {
        Some(i) => (&uri[..i], Some(&uri[i + 1..])),
        None => (uri, None),
    };
    let (rest, query) = match rest.find('?') {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (scheme, rest) = match rest.find(':') {
        Some(i)
            if i > 0
                && !rest[..i].contains('/')
                && rest.as_bytes()[0].is_ascii_alphabetic()
                && rest[..i]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) =>
        {
            (Some(&rest[..i]), &rest[i + 1..])
        }
        _ => (None, rest),
    };
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => {
            let end = r.find('/').unwrap_or(r.len());
            (Some(&r[..end]), &r[end..])
        }
        None => (None, rest),
    };
    Parts {
        scheme,
        authority,
        path,
        query,
        fragment,
    }
}

/// RFC 3986 §5.2.4, except that a leading `..` of a relative path is kept rather than dropped.
fn remove_dot_segments(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    let segments: Vec<&str> = path.split('/').collect();
    let last = segments.len().saturating_sub(1);
    let mut trailing_slash = false;
    for (i, seg) in segments.iter().enumerate() {
        if i == 0 && absolute {
            continue;
        }
        match *seg {
            "." => trailing_slash = i == last,
            ".." => {
                if matches!(out.last(), Some(s) if *s != "..") {
                    out.pop();
                } else if !absolute {
                    out.push("..");
                }
                trailing_slash = i == last;
            }
            s => {
                out.push(s);
                trailing_slash = false;
            }
        }
    }
    let mut r = String::new();
    if absolute {
        r.push('/');
    }
    r.push_str(&out.join("/"));
    if trailing_slash && !r.is_empty() && !r.ends_with('/') {
        r.push('/');
    }
    r
}

/// Resolves `reference` against `base` (RFC 3986 §5.2.2).
pub(crate) fn resolve(reference: &str, base: &str) -> String {
    if reference.is_empty() {
        // The base without its fragment.
        return base.split('#').next().unwrap_or("").to_owned();
    }
    let r = split(reference);
    if r.scheme.is_some() {
        return reference.to_owned();
    }
    let b = split(base);
    let (authority, path, query) = if r.authority.is_some() {
        (r.authority, remove_dot_segments(r.path), r.query)
    } else if r.path.is_empty() {
        (b.authority, b.path.to_owned(), r.query.or(b.query))
    } else if r.path.starts_with('/') {
        (b.authority, remove_dot_segments(r.path), r.query)
    } else {
        // §5.2.3 merge.
        let merged = if b.authority.is_some() && b.path.is_empty() {
            format!("/{}", r.path)
        } else {
            match b.path.rfind('/') {
                Some(i) => format!("{}{}", &b.path[..=i], r.path),
                None => r.path.to_owned(),
            }
        };
        (b.authority, remove_dot_segments(&merged), r.query)
    };
    let mut t = String::new();
    if let Some(s) = b.scheme {
        t.push_str(s);
        t.push(':');
    }
    if let Some(a) = authority {
        t.push_str("//");
        t.push_str(a);
    }
    t.push_str(&path);
    if let Some(q) = query {
        t.push('?');
        t.push_str(q);
    }
    if let Some(f) = r.fragment {
        t.push('#');
        t.push_str(f);
    }
    t
}

/// Joins the `xml:base` of an apex (or of its nearest ancestor that has one) with the values of
/// the omitted ancestors above it, nearest first. Returns `None` when the result is empty.
pub(crate) fn fix_up<'a>(
    start: &str,
    omitted_ancestors: impl Iterator<Item = &'a str>,
) -> Option<String> {
    let mut value = start.to_owned();
    for ancestor in omitted_ancestors {
        let mut base = ancestor.to_owned();
        // As libxml2 (xmlC14NFixupBaseAttr): a base ending in "." or ".." is a directory.
        if base.len() > 1 && base.as_bytes()[base.len() - 2] == b'.' {
            base.push('/');
        }
        value = resolve(&value, &base);
    }
    Some(value).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3986_normal_examples() {
        let base = "http://a/b/c/d;p?q";
        for (r, t) in [
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("g:h", "g:h"),
        ] {
            assert_eq!(resolve(r, base), t, "{r}");
        }
    }

    #[test]
    fn relative_bases_keep_unresolvable_parents() {
        assert_eq!(resolve("c/", "a/b/"), "a/b/c/");
        assert_eq!(resolve("../../x", "a/"), "../x");
        assert_eq!(
            fix_up("d", ["b/", "http://e.org/a/"].into_iter()).as_deref(),
            Some("http://e.org/a/b/d")
        );
        assert_eq!(fix_up("", std::iter::empty()), None);
    }
}
