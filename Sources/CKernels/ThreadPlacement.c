// Keeping WorkerPool's threads off the CPU their caller runs on (Linux; elsewhere no-ops).
//
// On a small virtual machine the kernel may wake a sleeping worker onto the CPU of the thread
// that woke it (the caller). The caller then never yields during the job, so the worker gets
// no time and the caller does every share itself: a whole run at one-thread speed.
#define _GNU_SOURCE
#include "CKThreadPlacement.h"
#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

static cpu_set_t base_mask;
static int base_count = -1;
static pthread_once_t base_once = PTHREAD_ONCE_INIT;

// The CPUs the process may use, read once (before any worker is moved).
static void read_base_mask(void) {
    CPU_ZERO(&base_mask);
    base_count = sched_getaffinity(0, sizeof(base_mask), &base_mask) == 0 ? CPU_COUNT(&base_mask) : 0;
}

int ck_current_cpu(void) { return sched_getcpu(); }

long ck_current_thread_id(void) {
    pthread_once(&base_once, read_base_mask);
    return (long)syscall(SYS_gettid);
}

int ck_place_thread_away_from(long thread_id, int cpu) {
    pthread_once(&base_once, read_base_mask);
    if (base_count < 2 || cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &base_mask)) return -1;
    cpu_set_t mask = base_mask;
    CPU_CLR(cpu, &mask);
    return sched_setaffinity((pid_t)thread_id, sizeof(mask), &mask);
}

int ck_thread_may_run_on(long thread_id, int cpu) {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity((pid_t)thread_id, sizeof(mask), &mask) != 0) return -1;
    return CPU_ISSET(cpu, &mask) ? 1 : 0;
}
#else
int ck_thread_may_run_on(long thread_id, int cpu) { (void)thread_id; (void)cpu; return -1; }
int ck_current_cpu(void) { return -1; }
long ck_current_thread_id(void) { return -1; }
int ck_place_thread_away_from(long thread_id, int cpu) { (void)thread_id; (void)cpu; return -1; }
#endif
