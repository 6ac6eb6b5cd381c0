# paper: the reproduction report (make paper), from the tables and figures of results/.
EXTRA_DIST += paper/report.tex

paper: paper/report.pdf

paper/report.pdf: paper/report.tex
	@command -v latexmk >/dev/null || { echo "make paper needs TeX Live: scripts/setup.sh --paper"; exit 1; }
	cd $(top_srcdir)/paper && latexmk -pdf -interaction=nonstopmode -halt-on-error report.tex >/dev/null && latexmk -c report.tex >/dev/null

.PHONY: paper
