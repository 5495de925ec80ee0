#!/bin/sh
# nginx-standalone.sh DIR: write a complete, standalone nginx configuration for estd
# into DIR (DIR/nginx.conf, which includes DIR/estd-site.conf: a copy of
# nginx-estd.conf with the paths and port below), for quickstart.sh and the
# integration tests. nginx reads no environment, hence this generator. Then:
#
#   nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'
#
# Environment (all required): EST_PORT, EST_RUNDIR (logs, pid file),
# EST_SERVER_CHAIN, EST_SERVER_KEY, EST_CLIENT_CA, EST_FCGI_SOCKET. Optional:
# EST_FRONT_USER (worker identity when nginx starts as root; default www-data).
# It listens on 127.0.0.1 only.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
out=$1
for v in EST_PORT EST_RUNDIR EST_SERVER_CHAIN EST_SERVER_KEY EST_CLIENT_CA EST_FCGI_SOCKET; do
    eval "val=\${$v:-}"
    [ -n "$val" ] || { echo "$0: $v is not set" >&2; exit 2; }
done
user=${EST_FRONT_USER:-www-data}

mkdir -p "$out/tmp/body" "$out/tmp/fastcgi" "$out/tmp/proxy" "$out/tmp/scgi" "$out/tmp/uwsgi"
if [ "$(id -u)" -eq 0 ]; then
    chown -R "$user" "$out/tmp"
fi

# esc STRING: STRING as a sed replacement (| is the delimiter)
esc() { printf '%s' "$1" | sed 's/[\\|&]/\\&/g'; }

sed -e "s|^\( *\)listen 443 ssl;|\1listen 127.0.0.1:$EST_PORT ssl;|" \
    -e '/listen \[::\]:443 ssl;/d' \
    -e "s|server_name est.example.org;|server_name localhost;|" \
    -e "s|/etc/estd/tls/server-chain.pem;|$(esc "$EST_SERVER_CHAIN");|" \
    -e "s|/etc/estd/tls/server.key;|$(esc "$EST_SERVER_KEY");|" \
    -e "s|/etc/estd/tls/client-ca-bundle.pem;|$(esc "$EST_CLIENT_CA");|" \
    -e "s|unix:/run/estd/estd.sock;|unix:$(esc "$EST_FCGI_SOCKET");|" \
    "$here/nginx-estd.conf" > "$out/estd-site.conf"
# Every production value must have been replaced.
if grep -n -e ' /etc/estd/' -e 'unix:/run/estd/' -e 'listen 443' -e 'listen \[::\]' -e 'est.example.org' "$out/estd-site.conf" | grep -v '^[0-9]*: *#' >&2; then
    echo "$0: nginx-estd.conf changed; update the substitutions above" >&2
    exit 1
fi

{
    if [ "$(id -u)" -eq 0 ]; then
        echo "user $user;"
    fi
    cat << CONF
worker_processes 2;
pid $EST_RUNDIR/nginx.pid;
error_log $EST_RUNDIR/nginx-error.log warn;
events {
    worker_connections 256;
}
http {
    access_log $EST_RUNDIR/nginx-access.log;
    client_body_temp_path $out/tmp/body;
    fastcgi_temp_path $out/tmp/fastcgi;
    proxy_temp_path $out/tmp/proxy;
    scgi_temp_path $out/tmp/scgi;
    uwsgi_temp_path $out/tmp/uwsgi;
    server_tokens off;
    include $out/estd-site.conf;
}
CONF
} > "$out/nginx.conf"
