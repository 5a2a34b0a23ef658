#!/bin/sh
# Runs a command chrooted into ROOT, inside a private mount namespace (start it with
# `unshare -m --propagation private`): the command sees /usr, /etc and /dev, and every other path it
# creates (a folder root such as /srv/shelfstack/library/ebooks) lands below ROOT. The bind mounts
# exist only in that namespace, so outside it ROOT/usr is an empty directory and ROOT is safe to delete.
set -eu
root=$1
shift
for d in usr etc dev proc tmp; do mkdir -p "$root/$d"; done
for l in bin lib lib64 sbin; do [ -e "$root/$l" ] || [ -L "$root/$l" ] || ln -s "usr/$l" "$root/$l"; done
mount --rbind /usr "$root/usr"
mount --rbind /etc "$root/etc"
mount --rbind /dev "$root/dev"
mount --rbind /proc "$root/proc"
exec chroot "$root" "$@"
