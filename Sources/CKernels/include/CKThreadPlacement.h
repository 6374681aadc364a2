#ifndef CK_THREAD_PLACEMENT_H
#define CK_THREAD_PLACEMENT_H
/// The CPU the calling thread runs on, or -1 where unknown.
int ck_current_cpu(void);
/// The calling thread's kernel id (Linux), or -1.
long ck_current_thread_id(void);
/// Lets thread `thread_id` run on every CPU the process may use except `cpu`; 0 on success,
/// -1 where unsupported, when `cpu` is not one of them, or when no other CPU is left.
int ck_place_thread_away_from(long thread_id, int cpu);
/// 1 if thread `thread_id` may run on `cpu`, 0 if not, -1 where unknown.
int ck_thread_may_run_on(long thread_id, int cpu);
#endif
