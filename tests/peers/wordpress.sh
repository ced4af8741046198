#!/usr/bin/env bash
# tests/peers/wordpress.sh - Kanal's copy of shared/peers/wordpress-peer.sh: run a REAL WordPress (Debian 12 package `wordpress`, 6.1.x) on
# loopback as an external blog peer for integration tests.
#
#   wordpress-peer.sh [start]   install packages if missing, start a private MariaDB
#                               (unix socket only, no TCP) and `php -S HOST:PORT`,
#                               install WordPress if not installed, ensure an
#                               Application Password; the last lines on stdout are
#                                 WP_URL=...  WP_USER=...  WP_APP_PASSWORD=...
#                               (progress goes to stderr, so `eval "$(... start)"` works)
#   wordpress-peer.sh stop      stop only the processes this script started (PID files)
#   wordpress-peer.sh status    show what is running
#   wordpress-peer.sh purge     stop, then delete the peer's state (database, passwords)
#                               and its /etc/wordpress config file
#
# Idempotent: `start` twice reuses the running processes, the installed blog and the
# same application password. Needs root (apt, /etc/wordpress, mariadbd --user=mysql).
#
# Settings (environment):
#   WP_PEER_HOST=127.0.0.1   WP_PEER_PORT=8093   WP_PEER_STATE=/var/lib/kanal-wordpress-peer
#   WP_PEER_ADMIN_USER=admin WP_PEER_ADMIN_PASSWORD=peer-admin-password
#   WP_PEER_TITLE='Peer Blog' WP_PEER_PERMALINKS='/%postname%/'  ('' = plain ?p=N links;
#   then only /?rest_route=/wp/v2/... works, /wp-json/... does not)
#   WP_PEER_WORKERS=4 (php -S worker processes; WordPress calls itself for wp-cron)
set -euo pipefail

HOST=${WP_PEER_HOST:-127.0.0.1}
PORT=${WP_PEER_PORT:-8093}
STATE=${WP_PEER_STATE:-/var/lib/kanal-wordpress-peer}
ADMIN_USER=${WP_PEER_ADMIN_USER:-admin}
ADMIN_PASSWORD=${WP_PEER_ADMIN_PASSWORD:-peer-admin-password}
ADMIN_EMAIL=${WP_PEER_ADMIN_EMAIL:-admin@example.invalid}
TITLE=${WP_PEER_TITLE:-Peer Blog}
PERMALINKS=${WP_PEER_PERMALINKS-/%postname%/}
WORKERS=${WP_PEER_WORKERS:-4}

WP_ROOT=/usr/share/wordpress
WP_CONTENT=/var/lib/wordpress/wp-content
CONFIG=/etc/wordpress/config-$(printf '%s' "$HOST" | tr "[:upper:]" "[:lower:]").php
MARKER='Managed by wordpress-peer.sh'
SOCK=$STATE/run/mysqld.sock
DB_PID=$STATE/run/mysqld.pid
PHP_PID=$STATE/run/php-server.pid
URL="http://$HOST:$PORT"
# No Apache: micro-httpd (50 kB, never started here) satisfies wordpress' "apache2 | httpd",
# and php8.2-cgi named explicitly satisfies php8.2's "libapache2-mod-php8.2 | php8.2-fpm |
# php8.2-cgi" (with the php-cgi metapackage apt still picks libapache2-mod-php8.2+apache2-bin).
# php-xml: XML-RPC (xmlrpc.php answers "parse error. not well formed" without it), SimplePie.
PACKAGES=(wordpress wordpress-theme-twentytwentythree php php-cli "${WP_PEER_PHP_CGI:-php8.2-cgi}"
          php-mysql php-xml php-mbstring mariadb-server micro-httpd curl)

log() { printf '[wordpress-peer] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# alive PIDFILE EXE-SUBSTRING -> prints the pid if the process is ours and running
alive() {
    local f=$1 want=$2 pid state cmd
    [ -s "$f" ] || return 1
    pid=$(tr -dc '0-9' < "$f")
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
    [ "$state" != Z ] || return 1
    cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)
    [[ $cmd == *"$want"* ]] || return 1
    printf '%s\n' "$pid"
}

# group_alive PGID -> true while a non-zombie process of that process group exists
group_alive() {
    awk -v g="$1" '$5 == g && $3 != "Z" { found = 1 } END { exit !found }' /proc/[0-9]*/stat 2>/dev/null
}

# install_file DEST MODE < content ; returns 0 if the file changed
install_file() {
    local dest=$1 mode=$2 tmp
    tmp=$(mktemp "$dest.XXXXXX")
    cat > "$tmp"
    chmod "$mode" "$tmp"
    if [ -f "$dest" ] && cmp -s "$tmp" "$dest"; then rm -f "$tmp"; return 1; fi
    mv -f "$tmp" "$dest"
    return 0
}

ensure_packages() {  # sets PKGS_INSTALLED=yes if it installed something
    local missing=() p
    PKGS_INSTALLED=no
    for p in "${PACKAGES[@]}"; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = 'install ok installed' ] || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || die "packages missing (${missing[*]}) and not root"
    log "installing: ${missing[*]}"
    # Keep package maintainer scripts from starting services (system MariaDB on :3306,
    # micro-httpd on :80): a policy-rc.d that says 101, only if none exists already.
    local made_policy=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d
        made_policy=1
    fi
    local rc=0
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${missing[@]}"; } >&2 || rc=$?
    [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
    [ $rc -eq 0 ] || die "apt-get install failed ($rc)"
    PKGS_INSTALLED=yes
}

secret() {  # secret FILE -> prints a stable random secret kept in FILE
    local f=$1
    if [ ! -s "$f" ]; then
        (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$f")
    fi
    cat "$f"
}

start_db() {
    mkdir -p "$STATE/mysql" "$STATE/run" "$STATE/log" "$STATE/www" "$STATE/mu-plugins" "$STATE/uploads"
    chmod 755 "$STATE"
    chown mysql:mysql "$STATE/mysql" "$STATE/run"
    if [ ! -d "$STATE/mysql/mysql" ]; then
        log "initialising MariaDB datadir $STATE/mysql"
        mariadb-install-db --no-defaults --user=mysql --datadir="$STATE/mysql" \
            --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
            --innodb-log-file-size=8M > "$STATE/log/mariadb-install-db.log" 2>&1 \
            || { cat "$STATE/log/mariadb-install-db.log" >&2; die "mariadb-install-db failed"; }
    fi
    if pid=$(alive "$DB_PID" "--datadir=$STATE/mysql"); then
        log "MariaDB already running (pid $pid)"
    else
        rm -f "$DB_PID" "$SOCK"
        log "starting MariaDB (socket $SOCK, no TCP)"
        # setsid: own session, survives the calling shell; mariadbd writes its own pid file
        # (no "cd / && cmd &": that backgrounds a subshell that keeps our stdout open)
        (cd / || exit 1; setsid /usr/sbin/mariadbd --no-defaults --user=mysql \
            --datadir="$STATE/mysql" --socket="$SOCK" --pid-file="$DB_PID" \
            --skip-networking --skip-name-resolve --innodb-log-file-size=8M \
            --innodb-buffer-pool-size=64M --log-error="$STATE/mysql/error.log" \
            < /dev/null > /dev/null 2>&1 &)
    fi
    for _ in $(seq 1 300); do
        mariadb-admin --no-defaults --socket="$SOCK" -uroot ping > /dev/null 2>&1 && [ -s "$DB_PID" ] && break
        sleep 0.1
    done
    mariadb-admin --no-defaults --socket="$SOCK" -uroot ping > /dev/null 2>&1 \
        || { tail -20 "$STATE/mysql/error.log" >&2 || true; die "MariaDB did not come up"; }
    local dbpw; dbpw=$(secret "$STATE/db-password")
    mariadb --no-defaults --socket="$SOCK" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS wordpress DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY '$dbpw';
ALTER USER 'wordpress'@'localhost' IDENTIFIED BY '$dbpw';
GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';
SQL
}

write_files() {  # sets FILES_CHANGED=yes if something the PHP server reads changed
    local dbpw salts
    FILES_CHANGED=no
    dbpw=$(secret "$STATE/db-password")
    if [ ! -s "$STATE/salts.php" ]; then
        (umask 077; php -r 'foreach (["AUTH_KEY","SECURE_AUTH_KEY","LOGGED_IN_KEY","NONCE_KEY","AUTH_SALT","SECURE_AUTH_SALT","LOGGED_IN_SALT","NONCE_SALT"] as $k) printf("define(%s, %s);\n", var_export($k, true), var_export(bin2hex(random_bytes(32)), true));' > "$STATE/salts.php")
    fi
    salts=$(cat "$STATE/salts.php")
    if [ -f "$CONFIG" ] && ! grep -qF "$MARKER" "$CONFIG"; then
        die "$CONFIG exists and was not written by this script; move it away first"
    fi
    # Debian's /usr/share/wordpress/wp-config.php loads /etc/wordpress/config-<Host header>.php
    install_file "$CONFIG" 0640 <<EOF && FILES_CHANGED=yes
<?php
// $MARKER (state: $STATE). Edits are overwritten.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', '$dbpw');
define('DB_HOST', 'localhost:$SOCK');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$salts
\$table_prefix = 'wp_';
define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
// Application Passwords need HTTPS unless the environment type is 'local'
define('WP_ENVIRONMENT_TYPE', 'local');
// No outbound HTTP except loopback/own host (no update checks, pings, oEmbed fetches)
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_CONTENT_DIR', '$WP_CONTENT');
define('WPMU_PLUGIN_DIR', '$STATE/mu-plugins');
define('WP_PEER_UPLOADS', '$STATE/uploads');   // media uploads live in the peer's state
define('WP_DEBUG', false);
EOF
    chgrp www-data "$CONFIG" 2>/dev/null || true
    install_file "$STATE/mu-plugins/wordpress-peer.php" 0644 <<'EOF' && FILES_CHANGED=yes
<?php
/* Plugin Name: wordpress-peer (test peer tweaks) */
// No MTA on the test machine: report mail as sent instead of calling sendmail.
add_filter('pre_wp_mail', '__return_true');
// Media uploads go to the peer's state dir (removed by `purge`); the router serves them.
add_filter('upload_dir', function (array $d): array {
    $d['basedir'] = WP_PEER_UPLOADS;
    $d['baseurl'] = WP_HOME . '/wp-content/uploads';
    $d['path'] = $d['basedir'] . $d['subdir'];
    $d['url'] = $d['baseurl'] . $d['subdir'];
    return $d;
});
EOF
    install_file "$STATE/www/router.php" 0644 <<'EOF' && FILES_CHANGED=yes
<?php
// Router for `php -S HOST:PORT -t /usr/share/wordpress router.php` (Debian layout).
$docroot = rtrim($_SERVER['DOCUMENT_ROOT'], '/');
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if (str_contains($path, "\0") || str_contains($path, '..')) { http_response_code(400); return true; }
// Debian's WP_CONTENT_DIR is /var/lib/wordpress/wp-content (theme/plugin symlinks);
// uploads are in $WP_PEER_STATE/uploads (see the mu-plugin)
if (str_starts_with($path, '/wp-content/')) {
    $state = getenv('WP_PEER_STATE') ?: '/var/lib/wordpress-peer';
    $f = str_starts_with($path, '/wp-content/uploads/')
        ? realpath($state . '/uploads' . substr($path, 19))
        : realpath('/var/lib/wordpress/wp-content' . substr($path, 11));
    if ($f !== false && is_file($f) && !preg_match('/\.php$/i', $f)
        && (str_starts_with($f, '/var/lib/wordpress/') || str_starts_with($f, $docroot . '/')
            || str_starts_with($f, $state . '/uploads/'))) {
        $types = ['css' => 'text/css', 'js' => 'application/javascript', 'json' => 'application/json',
            'svg' => 'image/svg+xml', 'png' => 'image/png', 'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg',
            'gif' => 'image/gif', 'webp' => 'image/webp', 'woff' => 'font/woff', 'woff2' => 'font/woff2',
            'ttf' => 'font/ttf', 'txt' => 'text/plain', 'html' => 'text/html', 'pdf' => 'application/pdf'];
        $ext = strtolower(pathinfo($f, PATHINFO_EXTENSION));
        header('Content-Type: ' . ($types[$ext] ?? 'application/octet-stream'));
        header('Content-Length: ' . filesize($f));
        readfile($f);
        return true;
    }
}
if ($path !== '/' && file_exists($docroot . $path)) {
    if (is_dir($docroot . $path) && !str_ends_with($path, '/')) {
        $q = parse_url($_SERVER['REQUEST_URI'], PHP_URL_QUERY);
        header('Location: ' . $path . '/' . ($q ? '?' . $q : ''), true, 301);
        return true;
    }
    return false; // static file or .php script: the built-in server handles it
}
// Pretty permalinks, /wp-json/..., /feed/...: WordPress' front controller
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $docroot . '/index.php';
chdir($docroot);
require $docroot . '/index.php';
EOF
    return 0
}

stop_php() {
    local pid
    if pid=$(alive "$PHP_PID" "$STATE/www/router.php"); then
        log "stopping PHP server (process group $pid)"
        # the group: with PHP_CLI_SERVER_WORKERS the workers outlive a killed master
        # (a surviving worker would keep the port bound)
        kill -TERM -- "-$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do group_alive "$pid" || break; sleep 0.1; done
        if group_alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || true; sleep 0.2; fi
    fi
    rm -f "$PHP_PID"
}

stop_db() {
    local pid
    if pid=$(alive "$DB_PID" "--datadir=$STATE/mysql"); then
        log "stopping MariaDB (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 600); do alive "$DB_PID" "--datadir=$STATE/mysql" > /dev/null || break; sleep 0.1; done
        if alive "$DB_PID" "--datadir=$STATE/mysql" > /dev/null; then
            log "MariaDB did not stop in 60 s; killing pid $pid"; kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$DB_PID"
}

start_php() {
    local restart=$1 pid code
    if pid=$(alive "$PHP_PID" "$STATE/www/router.php"); then
        if [ "$restart" = yes ]; then stop_php
        else log "PHP server already running (pid $pid)"; return 0; fi
    fi
    if curl -s -o /dev/null --max-time 2 "$URL/" 2>/dev/null; then
        die "something else already answers on $URL (not started by this script)"
    fi
    log "starting php -S $HOST:$PORT ($WORKERS workers)"
    # setsid: the server leads its own process group, so `stop` can end master and workers
    (cd / || exit 1; WP_PEER_STATE=$STATE PHP_CLI_SERVER_WORKERS=$WORKERS setsid bash -c 'echo $$ > "$0"; exec "$@"' "$PHP_PID" \
        php -d memory_limit=256M -d upload_max_filesize=64M -d post_max_size=64M \
        -S "$HOST:$PORT" -t "$WP_ROOT" "$STATE/www/router.php" \
        < /dev/null >> "$STATE/log/php-server.log" 2>&1 &)
    for _ in $(seq 1 150); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/wp-includes/images/blank.gif" || true)
        [ "$code" = 200 ] && return 0
        sleep 0.1
    done
    tail -20 "$STATE/log/php-server.log" >&2 || true
    die "PHP server did not answer on $URL"
}

setup_wordpress() {
    cat > "$STATE/www/setup.php" <<'EOF'
<?php
// Runs with the CLI: installs WordPress if needed, sets options, ensures an app password.
[$_, $host, $port, $state, $user, $pass, $email, $title, $permalinks] = $argv;
$_SERVER['HTTP_HOST'] = "$host:$port"; $_SERVER['SERVER_NAME'] = $host; $_SERVER['SERVER_PORT'] = $port;
$_SERVER['REQUEST_URI'] = '/'; $_SERVER['REQUEST_METHOD'] = 'GET'; $_SERVER['REMOTE_ADDR'] = '127.0.0.1';
define('WP_INSTALLING', true);   // as wp-admin/install.php: no redirect to the installer
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter('pre_wp_mail', '__return_true');
if (!is_blog_installed()) {
    fwrite(STDERR, "[wordpress-peer] installing WordPress " . get_bloginfo('version') . "\n");
    $r = wp_install($title, $user, $email, false, '', wp_slash($pass));
    foreach ([1, 2, 3] as $id) { wp_delete_post($id, true); }   // sample post, page, privacy draft
    update_option('wp_page_for_privacy_policy', 0);
    update_option('default_pingback_flag', 0);  // no pingbacks to links in synced content
    update_option('default_ping_status', 'closed');
    update_option('ping_sites', '');
    update_option('timezone_string', 'UTC');
} else {
    // keep the admin password in sync with the requested one
    $u = get_user_by('login', $user);
    if (!$u) { fwrite(STDERR, "admin user $user missing\n"); exit(1); }
    if (!wp_check_password($pass, $u->user_pass, $u->ID)) { wp_set_password($pass, $u->ID); }
}
if (get_option('permalink_structure') !== $permalinks) {
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure($permalinks);
    flush_rewrite_rules(false);
}
// Application password: reuse the stored one while it still validates, else make a new one.
$u = get_user_by('login', $user);
$name = 'wordpress-peer';
$file = "$state/app-password";
$stored = is_file($file) ? trim(file_get_contents($file)) : '';
$ok = false;
foreach (WP_Application_Passwords::get_user_application_passwords($u->ID) as $item) {
    if ($item['name'] !== $name) continue;
    if ($stored !== '' && wp_check_password($stored, $item['password'], $u->ID)) { $ok = true; continue; }
    WP_Application_Passwords::delete_application_password($u->ID, $item['uuid']);
}
if (!$ok) {
    $r = WP_Application_Passwords::create_new_application_password($u->ID, ['name' => $name]);
    if (is_wp_error($r)) { fwrite(STDERR, $r->get_error_message() . "\n"); exit(1); }
    $stored = $r[0];
    $old = umask(077); file_put_contents($file, $stored . "\n"); umask($old);
}
if (!wp_is_application_passwords_available_for_user($u)) { fwrite(STDERR, "application passwords unavailable\n"); exit(1); }
echo "WP_VERSION=", get_bloginfo('version'), "\n";
EOF
    (cd / && php "$STATE/www/setup.php" "$HOST" "$PORT" "$STATE" "$ADMIN_USER" "$ADMIN_PASSWORD" \
        "$ADMIN_EMAIL" "$TITLE" "$PERMALINKS")
}

cmd_start() {
    [ "$(id -u)" = 0 ] || die "run as root"
    ensure_packages
    start_db
    write_files
    local restart=no   # a running server must reload new config / new PHP extensions
    [ "$FILES_CHANGED" = yes ] || [ "$PKGS_INSTALLED" = yes ] && restart=yes
    start_php "$restart"
    local out; out=$(setup_wordpress) || die "WordPress setup failed"
    # end-to-end check: the application password authenticates against the REST API
    local app; app=$(cat "$STATE/app-password")
    local code; code=$(curl -s -o /dev/null -w '%{http_code}' -u "$ADMIN_USER:$app" \
        "$URL/?rest_route=/wp/v2/users/me")
    [ "$code" = 200 ] || die "REST check with the application password answered HTTP $code"
    log "ready: $URL (REST root $URL/?rest_route=/ ; feeds $URL/?feed=rss2 $URL/?feed=atom)"
    printf '%s\n' "$out"
    printf 'WP_ADMIN_PASSWORD=%q\n' "$ADMIN_PASSWORD"
    printf 'WP_URL=%q\n' "$URL"
    printf 'WP_USER=%q\n' "$ADMIN_USER"
    printf 'WP_APP_PASSWORD=%q\n' "$app"
}

cmd_stop() {
    stop_php
    stop_db
    log "stopped"
}

cmd_status() {
    local pid rc=0
    if pid=$(alive "$DB_PID" "--datadir=$STATE/mysql"); then echo "mariadb: running (pid $pid)"; else echo "mariadb: stopped"; rc=1; fi
    if pid=$(alive "$PHP_PID" "$STATE/www/router.php"); then echo "php-server: running (pid $pid) $URL"; else echo "php-server: stopped"; rc=1; fi
    return $rc
}

cmd_purge() {
    cmd_stop
    if [ -f "$CONFIG" ] && grep -qF "$MARKER" "$CONFIG"; then rm -f "$CONFIG"; fi
    case "$STATE" in /|/etc|/usr|/var|/var/lib|"") die "refusing to delete $STATE" ;; esac
    rm -rf -- "$STATE"
    log "purged $STATE and $CONFIG"
}

case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    purge) cmd_purge ;;
    *) echo "usage: $0 [start|stop|status|purge]" >&2; exit 2 ;;
esac
