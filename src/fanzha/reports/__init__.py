"""工作总结 / 月报 generation: facts from the indicator engine, written as docx, PDF and HTML."""
