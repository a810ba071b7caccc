/* A static probe for the security e2e tests, run inside containers: makes
 * one system call by name and prints "ok" or the errno's name and text, so a
 * test sees what seccomp, capabilities and the device cgroup did. Exit 0
 * either way; 2 for a name it does not know. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(long r) {
  if (r < 0) printf("errno=%d %s\n", errno, strerror(errno));
  else printf("ok\n");
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const char* what = argv[1];
  const char* arg = argc > 2 ? argv[2] : "";
  if (!strcmp(what, "add_key")) return report(syscall(SYS_add_key, "user", "mdk", "x", 1, -4 /* process keyring */));
  if (!strcmp(what, "keyctl")) return report(syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -4, 0));
  if (!strcmp(what, "io_uring_setup")) {
    char params[120] = {0};
    return report(syscall(SYS_io_uring_setup, 1, params));
  }
  if (!strcmp(what, "personality_norandom")) return report(personality(ADDR_NO_RANDOMIZE) == -1 ? -1 : 0);
  if (!strcmp(what, "personality_query")) return report(personality(0xffffffff) == -1 ? -1 : 0);
  if (!strcmp(what, "mbind")) return report(syscall(SYS_mbind, 0, 0, 0, 0, 0, 0));
  if (!strcmp(what, "move_pages")) return report(syscall(SYS_move_pages, 0, 0, 0, 0, 0, 0));
  if (!strcmp(what, "vsock")) return report(socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
  if (!strcmp(what, "unshare_user")) return report(unshare(CLONE_NEWUSER));
  if (!strcmp(what, "unshare_mount")) return report(unshare(CLONE_NEWNS));
  if (!strcmp(what, "mount_tmpfs")) return report(mount("x", arg[0] ? arg : "/mnt", "tmpfs", 0, NULL));
  if (!strcmp(what, "ptrace")) return report(ptrace(PTRACE_ATTACH, atoi(arg), 0, 0));
  if (!strcmp(what, "init_module")) return report(syscall(SYS_init_module, "", 0, ""));
  if (!strcmp(what, "mkdir")) return report(mkdir(arg, 0755));
  if (!strcmp(what, "open_read")) return report(open(arg, O_RDONLY));
  if (!strcmp(what, "open_write")) return report(open(arg, O_WRONLY));
  if (!strcmp(what, "chown")) return report(chown(arg, 1234, 1234));
  return 2;
}
