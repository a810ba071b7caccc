#!/usr/bin/env bash
# Builds a busybox root filesystem tarball offline from Debian's
# busybox-static and, when given a mydocker command, imports it as
# busybox:latest through our own import.
#   scripts/make-busybox-image.sh OUT.tar ["/path/mydocker -H unix:///run/mydocker.sock"]
set -euo pipefail
out=${1:-/tmp/busybox-rootfs.tar}
mydocker=${2:-}
if [ ! -x /bin/busybox ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
fi
root=$(mktemp -d /tmp/busybox-root.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,home,var/spool/mail,var/www,proc,sys,dev,tmp}
chmod 1777 "$root/tmp"
chmod 700 "$root/root"
cp /bin/busybox "$root/bin/busybox"
# Every applet as a link to /bin/busybox, in the directory busybox names.
/bin/busybox --list-full | while read -r applet; do
  [ "$applet" = "bin/busybox" ] && continue
  mkdir -p "$root/$(dirname "$applet")"
  ln -sf /bin/busybox "$root/$applet"
done
cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
PW
cat > "$root/etc/group" <<'GR'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
wheel:x:10:root
mail:x:12:
www-data:x:33:
operator:x:37:
staff:x:50:
users:x:100:
nogroup:x:65533:
nobody:x:65534:
GR
: > "$root/etc/hostname"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$out" .
if [ -n "$mydocker" ]; then
  $mydocker import --change 'CMD ["sh"]' "$out" busybox:latest
fi
