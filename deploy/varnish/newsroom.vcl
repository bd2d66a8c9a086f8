# Varnish in front of Newsroom's app servers (Varnish 6 or 7, VCL 4.1).
#
# Caches what the app marks cacheable (public pages: `s-maxage`; static files and media), never
# the admin or a request with a session, and drops pages when the app purges them: PURGE <path>
# drops one URL, BAN drops every public page. Both only from the addresses in `purgers`.
# Edit the block between BEGIN and END for your servers (tests/services.py writes its own);
# if ADMIN_URL is not admin/, change "^/admin/" below too. Behind Varnish, set PROXY_COUNT=1.
vcl 4.1;

import directors;

# BEGIN BACKENDS
# The probe asks /healthz (503 when the server's database does not answer) with the site's
# host, so that ALLOWED_HOSTS lets it through.
probe site {
    .request = "GET /healthz HTTP/1.1"
        "Host: www.example.com"
        "Connection: close";
    .interval = 2s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
}
backend app0 { .host = "10.0.0.11"; .port = "8000"; .probe = site; }
backend app1 { .host = "10.0.0.12"; .port = "8000"; .probe = site; }
acl purgers {
    "10.0.0.11";
    "10.0.0.12";
}
sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app0);
    app.add_backend(app1);
}
# END BACKENDS

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "PURGE") {
            return (purge);
        }
        # Every public page; static files and media keep their names for their content.
        ban("obj.http.x-newsroom-page == 1");
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.http.Cookie ~ "(^|;\s*)sessionid=" || req.http.Authorization) {
        return (pass);
    }
    # Readers' other cookies (analytics, the CSRF token) change nothing the app renders for them.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # The app says what may be kept; without a Cache-Control nothing is (not Varnish's 120 s).
    if (!beresp.http.Cache-Control || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    if (bereq.url !~ "^/(static|media)/") {
        set beresp.http.x-newsroom-page = "1";
    }
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.x-newsroom-page;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}

sub vcl_synth {
    # The answer to a refused or finished purge: no page body, no reflected input.
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    set resp.body = resp.reason;
    return (deliver);
}
