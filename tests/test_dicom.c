#include <criterion/criterion.h>
Test(dicom, placeholder) {}
