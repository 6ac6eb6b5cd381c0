# paper: the reproduction report (make paper), from the tables and figures of results/.
EXTRA_DIST += paper/report.tex

paper: paper/report.pdf

# Rebuilt whenever make reproduce has rewritten a table or a figure it shows.
paper/report.pdf: paper/report.tex $(wildcard $(top_srcdir)/results/*.tex) \
		$(wildcard $(top_srcdir)/results/figures/*.png)
	@command -v latexmk >/dev/null || { echo "make paper needs TeX Live: scripts/setup.sh --paper"; exit 1; }
	cd $(top_srcdir)/paper && latexmk -pdf -interaction=nonstopmode -halt-on-error report.tex >/dev/null && latexmk -c report.tex >/dev/null

.PHONY: paper
