#include "sim_out.h"

#include <string.h>

sim_status sim_out_add_dim(struct sim_out_table *t, const struct sim_out_dim *d, int *id)
{
    if (t->ndims >= SIM_OUT_MAXDIMS || d->name == NULL)
        return SIM_EINVAL;
    for (size_t i = 0; i < t->ndims; i++)
        if (strcmp(t->dims[i].name, d->name) == 0)
            return SIM_EINVAL;
    t->dims[t->ndims] = *d;
    *id = (int)t->ndims++;
    return SIM_OK;
}

sim_status sim_out_add_var(struct sim_out_table *t, const struct sim_out_var *v, int *id)
{
    if (t->nvars >= SIM_OUT_MAXVARS || v->rank < 0 || v->rank > SIM_OUT_MAXRANK)
        return SIM_EINVAL;
    for (int k = 0; k < v->rank; k++)
        if (v->dims[k] < 0 || (size_t)v->dims[k] >= t->ndims)
            return SIM_EINVAL;
    if (sim_out_find(t, v->group, v->name) >= 0)
        return SIM_EINVAL;
    t->vars[t->nvars] = *v;
    *id = (int)t->nvars++;
    return SIM_OK;
}

size_t sim_out_var_size(const struct sim_out_table *t, int var)
{
    const struct sim_out_var *v = &t->vars[var];
    size_t n = 1;
    for (int k = 0; k < v->rank; k++)
        n *= t->dims[v->dims[k]].size;
    return n;
}

void sim_out_finalize(struct sim_out_table *t)
{
    size_t off = 0;
    for (size_t i = 0; i < t->nvars; i++) {
        t->offset[i] = off;
        off += sim_out_var_size(t, (int)i);
    }
    t->rep_values = off;
}

int sim_out_find(const struct sim_out_table *t, const char *group, const char *name)
{
    for (size_t i = 0; i < t->nvars; i++)
        if (strcmp(t->vars[i].group, group) == 0 && strcmp(t->vars[i].name, name) == 0)
            return (int)i;
    return -1;
}
