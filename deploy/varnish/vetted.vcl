# Varnish in front of Vetted: caches anonymous public pages, purged by the app.
#
# The app marks what may be shared (Cache-Control: public, s-maxage) and names
# what each page shows in a Cache-Tag header; when content changes it sends BAN
# (by tag) and PURGE (by URL) requests from the addresses in `purgers`
# (VARNISH_URLS in the app's settings). See docs/caching.md.
#
# Varnish stands behind the TLS terminator, which sets X-Forwarded-Proto. The app
# answers differently by protocol (a plain-HTTP request is redirected to HTTPS; HSTS
# only over HTTPS), so every cached object is kept per protocol: one kept for plain
# HTTP is never served to an HTTPS reader, nor the reverse.
vcl 4.1;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;
}

# The app servers: the only clients allowed to purge.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Purging is not allowed from this address."));
        }
        return (purge);
    }
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Banning is not allowed from this address."));
        }
        if (!req.http.X-Ban-Tags) {
            return (synth(400, "X-Ban-Tags is required."));
        }
        # On obj.* only, so that the ban lurker can clear old objects in the background.
        ban("obj.http.Cache-Tag ~ " + req.http.X-Ban-Tags);
        return (synth(200, "Banned."));
    }
    # Read as Django reads it (the first value, "https" or not): two variants at most.
    if (req.http.X-Forwarded-Proto ~ "^\s*https\s*(,|$)") {
        set req.http.X-Forwarded-Proto = "https";
    } else {
        set req.http.X-Forwarded-Proto = "http";
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff (anyone with a session) and the editorial side always reach the app.
    if (req.url ~ "^/(admin|markdownx)/" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Public pages are the same for every reader: their cookies (the audience
    # choice, the feedback key) play no part in them, so one copy serves all.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # Keyed by protocol as a variant of the URL (Vary), so that a PURGE of the URL
    # drops both.
    if (beresp.http.Vary) {
        set beresp.http.Vary = beresp.http.Vary + ", X-Forwarded-Proto";
    } else {
        set beresp.http.Vary = "X-Forwarded-Proto";
    }
    # The built-in logic still refuses anything private, no-store or setting a cookie.
    set beresp.grace = 10s;
}

sub vcl_deliver {
    # Tags are for bans here, not for browsers.
    unset resp.http.Cache-Tag;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
