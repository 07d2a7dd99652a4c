// Open MPI for Swift. Under Open MPI, MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and MPI_IN_PLACE are
// macros over the addresses of incomplete structs (or a cast integer), which Swift does not
// import; these static inline accessors hand them over as plain values.
#ifndef NODULEKIT_CMPI_H
#define NODULEKIT_CMPI_H
#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
static inline int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }

#endif
