/*
 * cpgbench: Corosync CPG driver for comparison with bench/transport.ts. Run
 * one per node; each joins group "qbench" and waits for `nodes` members.
 *
 *   cpgbench <nodes> <count> <size>        throughput: send `count` agreed
 *       messages of `size` bytes, print one JSON line once count*nodes are delivered.
 *   cpgbench lat <nodes> <samples> <sender>  latency: the node with id `sender`
 *       sends probes stamped with CLOCK_MONOTONIC (shared by every namespace of
 *       one kernel); every node records delivery time minus stamp; the others
 *       ack each probe so the sender sends the next one only once all have it.
 *       Prints {"lat":[µs per probe]}.
 *   cpgbench watch <nodes>  prints {"ready":1}, then on the first configuration
 *       change that loses a member {"changed":<CLOCK_MONOTONIC s>,"members":n}.
 */
#include <corosync/cpg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>

#define MAX_SAMPLES 100000

static unsigned members = 0, delivered = 0;
static int lost = 0;
static double lost_at = 0;
/* latency mode */
static unsigned my_id = 0, acks = 0, probe_in = 0;
static long probe_idx = -1;
static double *lat;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct probe { char kind; unsigned idx; double stamp; };

static void deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid, void *msg, size_t len) {
  (void)h; (void)g; (void)pid;
  delivered++;
  if (len == sizeof(struct probe)) {
    struct probe p;
    memcpy(&p, msg, sizeof p);
    if (p.kind == 'P' && p.idx < MAX_SAMPLES) {
      lat[p.idx] = (now() - p.stamp) * 1e6;
      probe_idx = p.idx;
      probe_in++;
    } else if (p.kind == 'A' && nodeid != my_id) acks++;
  }
}

static void confchg(cpg_handle_t h, const struct cpg_name *g, const struct cpg_address *m, size_t n,
                    const struct cpg_address *l, size_t nl, const struct cpg_address *j, size_t nj) {
  (void)h; (void)g; (void)m; (void)l; (void)j; (void)nj;
  if (nl > 0 && !lost && members > 0) {
    lost = 1;
    lost_at = now();
  }
  members = (unsigned)n;
}

static cpg_handle_t h;
static struct cpg_name g;

static int join(unsigned nodes) {
  cpg_callbacks_t cb = { .cpg_deliver_fn = deliver, .cpg_confchg_fn = confchg };
  cs_error_t e;
  for (int i = 0; (e = cpg_initialize(&h, &cb)) != CS_OK; i++) {
    if (i > 100) { printf("{\"error\":\"cpg_initialize %d\"}\n", e); return 1; }
    usleep(100000);
  }
  strcpy(g.value, "qbench");
  g.length = strlen(g.value);
  if ((e = cpg_join(h, &g)) != CS_OK) { printf("{\"error\":\"cpg_join %d\"}\n", e); return 1; }
  if ((e = cpg_local_get(h, &my_id)) != CS_OK) { printf("{\"error\":\"cpg_local_get %d\"}\n", e); return 1; }
  double end = now() + 20;
  while (members < nodes) {
    if (now() > end) { printf("{\"error\":\"only %u members\"}\n", members); return 1; }
    cpg_dispatch(h, CS_DISPATCH_ALL);
    usleep(1000);
  }
  return 0;
}

/* Waits on the CPG fd (no spinning: the daemons need the CPU) and dispatches. */
static int wait_dispatch(int ms) {
  int fd;
  if (cpg_fd_get(h, &fd) != CS_OK) return -1;
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  poll(&pfd, 1, ms);
  cs_error_t e = cpg_dispatch(h, CS_DISPATCH_ALL);
  return e == CS_OK || e == CS_ERR_TRY_AGAIN ? 0 : -1;
}

static int mcast(void *buf, size_t len) {
  struct iovec iov = { .iov_base = buf, .iov_len = len };
  cs_error_t e;
  for (int i = 0; (e = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1)) == CS_ERR_TRY_AGAIN && i < 100000; i++) usleep(50);
  return e == CS_OK ? 0 : (int)e;
}

static int latency(unsigned nodes, unsigned samples, unsigned sender) {
  if (samples > MAX_SAMPLES) samples = MAX_SAMPLES;
  double end = now() + 120;
  int e;
  for (unsigned i = 0; i < samples; i++) {
    if (my_id == sender) {
      acks = 0;
      struct probe p = { 'P', i, now() };
      if ((e = mcast(&p, sizeof p))) { printf("{\"error\":\"cpg_mcast_joined %d\"}\n", e); return 1; }
      while (probe_in <= i || acks < nodes - 1) {
        if (now() > end || wait_dispatch(100) < 0) { printf("{\"error\":\"probe %u: timeout\"}\n", i); return 1; }
      }
    } else {
      while (probe_in <= i) {
        if (now() > end || wait_dispatch(100) < 0) { printf("{\"error\":\"probe %u: timeout\"}\n", i); return 1; }
      }
      struct probe a = { 'A', i, 0 };
      if ((e = mcast(&a, sizeof a))) { printf("{\"error\":\"cpg_mcast_joined %d\"}\n", e); return 1; }
    }
  }
  printf("{\"lat\":[");
  for (unsigned i = 0; i < samples; i++) printf("%s%.1f", i ? "," : "", lat[i]);
  printf("]}\n");
  return 0;
}

static int throughput(unsigned nodes, unsigned count, unsigned size) {
  int fd;
  cs_error_t e;
  if ((e = cpg_fd_get(h, &fd)) != CS_OK) { printf("{\"error\":\"cpg_fd_get %d\"}\n", e); return 1; }
  char *buf = calloc(1, size);
  struct iovec iov = { .iov_base = buf, .iov_len = size };
  double t0 = now();
  unsigned sent = 0, want = count * nodes;
  double end = t0 + 120;
  while (delivered < want) {
    if (now() > end) { printf("{\"error\":\"timeout: delivered %u of %u\"}\n", delivered, want); return 1; }
    while (sent < count) {
      e = cpg_mcast_joined(h, CPG_TYPE_AGREED, &iov, 1);
      if (e == CS_ERR_TRY_AGAIN) break;
      if (e != CS_OK) { printf("{\"error\":\"cpg_mcast_joined %d\"}\n", e); return 1; }
      sent++;
    }
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    if (sent < count) usleep(50); /* flow control (TRY_AGAIN) is not signalled on the fd */
    else poll(&pfd, 1, 100);
    cpg_dispatch(h, CS_DISPATCH_ALL);
  }
  double s = now() - t0;
  printf("{\"size\":%u,\"delivered\":%u,\"seconds\":%.4f,\"rate\":%.0f}\n", size, delivered, s, delivered / s);
  return 0;
}

static int watch(void) {
  printf("{\"ready\":1}\n");
  fflush(stdout);
  double end = now() + 60;
  while (!lost) {
    if (now() > end) { printf("{\"error\":\"no configuration change within 60 s\"}\n"); return 1; }
    if (wait_dispatch(100) < 0) { printf("{\"error\":\"dispatch failed (daemon gone)\"}\n"); return 1; }
  }
  printf("{\"changed\":%.6f,\"members\":%u}\n", lost_at, members);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  int rc;
  if (argc >= 5 && strcmp(argv[1], "lat") == 0) {
    lat = calloc(MAX_SAMPLES, sizeof *lat);
    if ((rc = join(atoi(argv[2])))) return rc;
    rc = latency(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
  } else if (argc >= 3 && strcmp(argv[1], "watch") == 0) {
    if ((rc = join(atoi(argv[2])))) return rc;
    rc = watch();
  } else if (argc >= 4) {
    if ((rc = join(atoi(argv[1])))) return rc;
    rc = throughput(atoi(argv[1]), atoi(argv[2]), atoi(argv[3]));
  } else {
    fprintf(stderr, "usage: cpgbench nodes count size | lat nodes samples sender | watch nodes\n");
    return 2;
  }
  if (rc == 0) {
    /* Stay a moment so peers still waiting on our acks/messages get them. */
    for (int i = 0; i < 5; i++) wait_dispatch(100);
    cpg_leave(h, &g);
    cpg_finalize(h);
  }
  return rc;
}
