//! report-gen: the 政府信息公开工作年度报告 of a Chinese government agency, from its statistics
//! workbook to a checked Word report and Excel appendix.
