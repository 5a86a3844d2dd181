library(testthat)
library(glovev)
test_check("glovev")
