/* SPDX-License-Identifier: MIT */
/* A small vsnprintf for test guests: integers, strings and characters. */
#include "guest.h"

struct out {
	char *buf;
	size_t size;
	size_t len; /* what a large enough buffer would hold */
};

static void out_char(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct spec {
	bool left;
	bool zero;
	int width;
};

static void out_str(struct out *o, const struct spec *sp, const char *s)
{
	int n = (int)strlen(s);

	if (!sp->left)
		out_pad(o, ' ', sp->width - n);
	while (*s)
		out_char(o, *s++);
	if (sp->left)
		out_pad(o, ' ', sp->width - n);
}

static void out_num(struct out *o, const struct spec *sp, uint64_t v,
		    bool negative, unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (negative ? 1 : 0);

	if (sp->left) {
		if (negative)
			out_char(o, '-');
		while (n)
			out_char(o, tmp[--n]);
		out_pad(o, ' ', sp->width - len);
		return;
	}
	if (sp->zero) {
		if (negative)
			out_char(o, '-');
		out_pad(o, '0', sp->width - len);
	} else {
		out_pad(o, ' ', sp->width - len);
		if (negative)
			out_char(o, '-');
	}
	while (n)
		out_char(o, tmp[--n]);
}

static const char *parse_spec(const char *f, struct spec *sp)
{
	sp->left = false;
	sp->zero = false;
	sp->width = 0;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	const char *f;

	for (f = fmt; *f; f++) {
		struct spec sp;
		int lng = 0;
		uint64_t u;
		int64_t s;

		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp);
		/* lng: 1 long (or size_t), 2 long long; on AArch64 both
		 * are 64 bits, in A32 long is 32. */
		while (*f == 'l') {
			lng++;
			f++;
		}
		if (*f == 'z') {
			lng = sizeof(size_t) == sizeof(long long) ? 2 : 1;
			f++;
		}
		if (lng == 1 && sizeof(long) == sizeof(long long))
			lng = 2;
		switch (*f) {
		case 'd':
		case 'i':
			s = lng == 2   ? va_arg(ap, long long)
			    : lng == 1 ? va_arg(ap, long)
				       : va_arg(ap, int);
			u = s < 0 ? -(uint64_t)s : (uint64_t)s;
			out_num(&o, &sp, u, s < 0, 10, false);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng == 2   ? va_arg(ap, unsigned long long)
			    : lng == 1 ? va_arg(ap, unsigned long)
				       : va_arg(ap, unsigned int);
			out_num(&o, &sp, u, false, *f == 'u' ? 10 : 16,
				*f == 'X');
			break;
		case 'p':
			out_char(&o, '0');
			out_char(&o, 'x');
			out_num(&o, &sp, (uintptr_t)va_arg(ap, void *), false,
				16, false);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			out_str(&o, &sp, str ? str : "(null)");
			break;
		}
		case 'c': {
			char c[2] = {(char)va_arg(ap, int), 0};

			out_str(&o, &sp, c);
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			f--; /* a lone '%' at the end: stop at the NUL */
			break;
		default:
			out_char(&o, '%');
			out_char(&o, *f);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
