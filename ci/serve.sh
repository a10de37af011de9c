# Sourced by the ci/ scripts that need a reference service of their own: defines `serve`,
# which starts `$bin serve --addr 127.0.0.1:0 ARGS…` in the background, sets `server` (its
# pid) and `url` (the address it printed), and stops it when the script exits. Needs `bin`
# and `work` (a scratch directory, removed at exit too) set, and names the script as
# `$script` in its one-line error (exit 2).
server=""
stop_service() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_service EXIT
serve() {
  "$bin" serve --addr 127.0.0.1:0 "$@" > "$work/url" 2> "$work/serve.log" &
  server=$!
  for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
  url=$(head -1 "$work/url")
  if [ -z "$url" ]; then
    echo "$script: the service did not start: $(tail -1 "$work/serve.log")" >&2
    exit 2
  fi
}
