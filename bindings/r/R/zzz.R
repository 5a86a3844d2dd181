#' @useDynLib glovev, .registration = TRUE
NULL

# Finds libglovev.so: GLOVEV_LIB, else the copy installed inside this package, else nothing (a clear error).
.glovev_library_path <- function() {
  env <- Sys.getenv("GLOVEV_LIB", "")
  if (nzchar(env)) return(env)
  p <- system.file("lib", "libglovev.so", package = "glovev")
  if (nzchar(p)) return(p)
  stop("glovev: libglovev.so not found; set GLOVEV_LIB or reinstall the package from a built source tree")
}

.onLoad <- function(libname, pkgname) {
  .Call(C_load, normalizePath(.glovev_library_path(), mustWork = TRUE))
  names <- .Call(C_names)
  ns <- asNamespace(pkgname)
  assign(".method_names", names[[1]], envir = ns)
  assign(".status_names", names[[2]], envir = ns)
  assign(".reason_names", names[[3]], envir = ns)
}
