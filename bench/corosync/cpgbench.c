/*
 * cpgbench: ordered-broadcast throughput through Corosync CPG, for comparison
 * with bench/transport.ts. Run one per node: joins group "qbench", waits for
 * `nodes` members, sends `count` agreed messages of `size` bytes, and prints
 * one JSON line when it has delivered count*nodes messages.
 *   cpgbench <nodes> <count> <size>
 */
#include <corosync/cpg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

static unsigned members = 0, delivered = 0;

static void deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid, void *msg, size_t len) {
  (void)h; (void)g; (void)nodeid; (void)pid; (void)msg; (void)len;
  delivered++;
}

static void confchg(cpg_handle_t h, const struct cpg_name *g, const struct cpg_address *m, size_t n,
                    const struct cpg_address *l, size_t nl, const struct cpg_address *j, size_t nj) {
  (void)h; (void)g; (void)m; (void)l; (void)nl; (void)j; (void)nj;
  members = (unsigned)n;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: cpgbench nodes count size\n"); return 2; }
  unsigned nodes = atoi(argv[1]), count = atoi(argv[2]), size = atoi(argv[3]);
  cpg_callbacks_t cb = { .cpg_deliver_fn = deliver, .cpg_confchg_fn = confchg };
  cpg_handle_t h;
  cs_error_t e;
  for (int i = 0; (e = cpg_initialize(&h, &cb)) != CS_OK; i++) {
    if (i > 100) { printf("{\"error\":\"cpg_initialize %d\"}\n", e); return 1; }
    usleep(100000);
  }
  struct cpg_name g;
  strcpy(g.value, "qbench");
  g.length = strlen(g.value);
  if ((e = cpg_join(h, &g)) != CS_OK) { printf("{\"error\":\"cpg_join %d\"}\n", e); return 1; }
  double end = now() + 20;
  while (members < nodes) {
    if (now() > end) { printf("{\"error\":\"only %u members\"}\n", members); return 1; }
    cpg_dispatch(h, CS_DISPATCH_ALL);
    usleep(1000);
  }
  int fd;
  if ((e = cpg_fd_get(h, &fd)) != CS_OK) { printf("{\"error\":\"cpg_fd_get %d\"}\n", e); return 1; }
  char *buf = calloc(1, size);
  struct iovec iov = { .iov_base = buf, .iov_len = size };
  double t0 = now();
  unsigned sent = 0, want = count * nodes;
  end = t0 + 120;
  while (delivered < want) {
    if (now() > end) { printf("{\"error\":\"timeout: delivered %u of %u\"}\n", delivered, want); return 1; }
    while (sent < count) {
      e = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1);
      if (e == CS_ERR_TRY_AGAIN) break;
      if (e != CS_OK) { printf("{\"error\":\"cpg_mcast_joined %d\"}\n", e); return 1; }
      sent++;
    }
    /* Sleep until something arrives rather than spin: a spinning driver
       would steal the CPU the daemons need (the bench host may have 2). */
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (sent < count) usleep(50); /* flow control (TRY_AGAIN) is not signalled on the fd */
    else poll(&pfd, 1, 100);
    cpg_dispatch(h, CS_DISPATCH_ALL);
  }
  double s = now() - t0;
  printf("{\"size\":%u,\"delivered\":%u,\"seconds\":%.4f,\"rate\":%.0f}\n", size, delivered, s, delivered / s);
  cpg_leave(h, &g);
  cpg_finalize(h);
  return 0;
}
