#include <criterion/criterion.h>
Test(meta, placeholder) { cr_assert(1); }
