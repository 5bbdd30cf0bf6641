/* SPDX-License-Identifier: MIT */
/* Intrusive doubly linked lists with a sentinel head. */
#ifndef VIGIL_LIST_H
#define VIGIL_LIST_H

#include "compiler.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

/* Insert @n between two known consecutive entries. */
static inline void list_insert_between(struct list_head *n,
				       struct list_head *prev,
				       struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	list_insert_between(n, h, h->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	list_insert_between(n, h->prev, h);
}

/* Insert @n just before @pos (pos may be the head: then it is a tail add). */
static inline void list_add_before(struct list_head *n, struct list_head *pos)
{
	list_insert_between(n, pos->prev, pos);
}

/* Unlink and re-initialise, so list_unlinked() tells it is on no list. */
static inline void list_del(struct list_head *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

static inline bool list_unlinked(const struct list_head *n)
{
	return n->next == n;
}

/* Move every entry of @from to the tail of @to, leaving @from empty. */
static inline void list_splice_tail_init(struct list_head *from,
					 struct list_head *to)
{
	if (list_empty(from))
		return;
	from->next->prev = to->prev;
	to->prev->next = from->next;
	from->prev->next = to;
	to->prev = from->prev;
	list_init(from);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

#define list_for_each(pos, h) for (pos = (h)->next; pos != (h); pos = pos->next)

#define list_for_each_entry(pos, h, member)                         \
	for (pos = list_entry((h)->next, __typeof__(*pos), member); \
	     &pos->member != (h);                                   \
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))

#define list_for_each_entry_safe(pos, tmp, h, member)                     \
	for (pos = list_entry((h)->next, __typeof__(*pos), member),       \
	    tmp = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (h); pos = tmp,                              \
	    tmp = list_entry(tmp->member.next, __typeof__(*tmp), member))

#endif
