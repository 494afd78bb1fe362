//! Child order of WordprocessingML elements, as the Open XML SDK validates it.
//!
//! Each entry is a space-separated list: the parent, then its children ranked. A child's
//! rank is the index of the first item naming it; `|` joins the alternatives of one
//! `xsd:choice`, which share a rank. `*` stands for every child not named, and marks the parent as a content
//! container whose other children keep their relative order there. Parents without `*`
//! hold properties only: unknown children go last, and the tests report them.
//!
//! The property sequences were generated from the Open XML SDK schema data shipped with
//! openxml-audit 0.8.0 (`data/openxml/schemas/schemas_openxmlformats_org_wordprocessingml_
//! 2006_main.json`), merging every complex type that shares an element name (for example
//! CT_RPr, CT_ParaRPr and CT_RPrOriginal all become `w:rPr`). Hand edits: `w:tblPr` puts
//! the table-style band sizes where ECMA-376 CT_TblPrBase has them, and `w:trPr` (an
//! `xsd:choice`, so any order is valid) uses the ECMA-376 listing order so that new
//! children land where Word writes them.

/// Element names, each followed by its ranked child names (see the module comment).
pub(super) const SEQUENCES: &[&str] = &[
    "w:pPr w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr \
     w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap \
     w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi w:adjustRightInd \
     w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc \
     w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr \
     w:sectPr w:pPrChange",
    "w:rPr w:ins w:del w:moveFrom w:moveTo w14:conflictIns|w14:conflictDel w:rStyle w:rFonts w:b \
     w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline w:shadow w:emboss w:imprint \
     w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing w:w w:kern w:position w:sz \
     w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText w:vertAlign w:rtl w:cs w:em w:lang \
     w:eastAsianLayout w:specVanish w14:glow w14:shadow w14:reflection w14:textOutline \
     w14:textFill w14:scene3d w14:props3d w14:ligatures w14:numForm w14:numSpacing \
     w14:stylisticSets w14:cntxtAlts w:oMath w:rPrChange",
    "w:sectPr w:headerReference|w:footerReference w:footnotePr w:endnotePr w:type w:pgSz w:pgMar \
     w:paperSrc w:pgBorders w:lnNumType w:pgNumType w:cols w:formProt w:vAlign w:noEndnote \
     w:titlePg w:textDirection w:bidi w:rtlGutter w:docGrid w:printerSettings w15:footnoteColumns \
     w:sectPrChange",
    "w:tcPr w:cnfStyle w:tcW w:gridSpan w:hMerge w:vMerge w:tcBorders w:shd w:noWrap w:tcMar \
     w:textDirection w:tcFitText w:vAlign w:hideMark w:cellIns|w:cellDel|w:cellMerge w:tcPrChange",
    "w:tblPr w:tblStyle w:tblpPr w:tblOverlap w:bidiVisual w:tblStyleRowBandSize \
     w:tblStyleColBandSize w:tblW w:jc w:tblCellSpacing w:tblInd w:tblBorders w:shd w:tblLayout \
     w:tblCellMar w:tblLook w:tblCaption w:tblDescription w:tblPrChange",
    "w:tblPrEx w:tblW w:jc w:tblCellSpacing w:tblInd w:tblBorders w:shd w:tblLayout w:tblCellMar \
     w:tblLook w:tblPrExChange",
    "w:tblGrid w:gridCol w:tblGridChange",
    "w:tblBorders w:top w:left w:start w:bottom w:right w:end w:insideH w:insideV",
    "w:tcBorders w:top w:left w:start w:bottom w:right w:end w:insideH w:insideV w:tl2br w:tr2bl",
    "w:pBdr w:top w:left w:bottom w:right w:between w:bar",
    "w:tblCellMar w:top w:left w:start w:bottom w:right w:end",
    "w:tcMar w:top w:left w:start w:bottom w:right w:end",
    "w:style w:name w:aliases w:basedOn w:next w:link w:autoRedefine w:hidden w:uiPriority \
     w:semiHidden w:unhideWhenUsed w:qFormat w:locked w:personal w:personalCompose \
     w:personalReply w:rsid w:pPr w:rPr w:tblPr w:trPr w:tcPr w:tblStylePr",
    "w:styles w:docDefaults w:latentStyles w:style",
    "w:docDefaults w:rPrDefault w:pPrDefault",
    "w:settings w:writeProtection w:view w:zoom w:removePersonalInformation w:removeDateAndTime \
     w:doNotDisplayPageBoundaries w:displayBackgroundShape w:printPostScriptOverText \
     w:printFractionalCharacterWidth w:printFormsData w:embedTrueTypeFonts w:embedSystemFonts \
     w:saveSubsetFonts w:saveFormsData w:mirrorMargins w:alignBordersAndEdges \
     w:bordersDoNotSurroundHeader w:bordersDoNotSurroundFooter w:gutterAtTop w:hideSpellingErrors \
     w:hideGrammaticalErrors w:activeWritingStyle w:proofState w:formsDesign w:attachedTemplate \
     w:linkStyles w:stylePaneFormatFilter w:stylePaneSortMethod w:documentType w:mailMerge \
     w:revisionView w:trackRevisions w:doNotTrackMoves w:doNotTrackFormatting \
     w:documentProtection w:autoFormatOverride w:styleLockTheme w:styleLockQFSet w:defaultTabStop \
     w:autoHyphenation w:consecutiveHyphenLimit w:hyphenationZone w:doNotHyphenateCaps \
     w:showEnvelope w:summaryLength w:clickAndTypeStyle w:defaultTableStyle w:evenAndOddHeaders \
     w:bookFoldRevPrinting w:bookFoldPrinting w:bookFoldPrintingSheets \
     w:drawingGridHorizontalSpacing w:drawingGridVerticalSpacing \
     w:displayHorizontalDrawingGridEvery w:displayVerticalDrawingGridEvery \
     w:doNotUseMarginsForDrawingGridOrigin w:drawingGridHorizontalOrigin \
     w:drawingGridVerticalOrigin w:doNotShadeFormData w:noPunctuationKerning \
     w:characterSpacingControl w:printTwoOnOne w:strictFirstAndLastChars w:noLineBreaksAfter \
     w:noLineBreaksBefore w:savePreviewPicture w:doNotValidateAgainstSchema w:saveInvalidXml \
     w:ignoreMixedContent w:alwaysShowPlaceholderText w:doNotDemarcateInvalidXml \
     w:saveXmlDataOnly w:useXSLTWhenSaving w:saveThroughXslt w:showXMLTags \
     w:alwaysMergeEmptyNamespace w:updateFields w:hdrShapeDefaults w:footnotePr w:endnotePr \
     w:compat w:docVars w:rsids m:mathPr w:uiCompat97To2003 w:attachedSchema w:themeFontLang \
     w:clrSchemeMapping w:doNotIncludeSubdocsInStats w:doNotAutoCompressPictures w:forceUpgrade \
     w:captions w:readModeInkLockDown sl:schemaLibrary w:shapeDefaults w:decimalSymbol \
     w:listSeparator w14:docId w14:discardImageEditingData w14:defaultImageDpi w14:conflictMode \
     w15:chartTrackingRefBased w15:docId",
    "w:compat w:useSingleBorderforContiguousCells w:wpJustification w:noTabHangInd w:noLeading \
     w:spaceForUL w:noColumnBalance w:balanceSingleByteDoubleByteWidth w:noExtraLineSpacing \
     w:doNotLeaveBackslashAlone w:ulTrailSpace w:doNotExpandShiftReturn w:spacingInWholePoints \
     w:lineWrapLikeWord6 w:printBodyTextBeforeHeader w:printColBlack w:wpSpaceWidth \
     w:showBreaksInFrames w:subFontBySize w:suppressBottomSpacing w:suppressTopSpacing \
     w:suppressSpacingAtTopOfPage w:suppressTopSpacingWP w:suppressSpBfAfterPgBrk \
     w:swapBordersFacingPages w:convMailMergeEsc w:truncateFontHeightsLikeWP6 w:mwSmallCaps \
     w:usePrinterMetrics w:doNotSuppressParagraphBorders w:wrapTrailSpaces \
     w:footnoteLayoutLikeWW8 w:shapeLayoutLikeWW8 w:alignTablesRowByRow w:forgetLastTabAlignment \
     w:adjustLineHeightInTable w:autoSpaceLikeWord95 w:noSpaceRaiseLower \
     w:doNotUseHTMLParagraphAutoSpacing w:layoutRawTableWidth w:layoutTableRowsApart \
     w:useWord97LineBreakRules w:doNotBreakWrappedTables w:doNotSnapToGridInCell \
     w:selectFldWithFirstOrLastChar w:applyBreakingRules w:doNotWrapTextWithPunct \
     w:doNotUseEastAsianBreakRules w:useWord2002TableStyleRules w:growAutofit w:useFELayout \
     w:useNormalStyleForList w:doNotUseIndentAsNumberingTabStop w:useAltKinsokuLineBreakRules \
     w:allowSpaceOfSameStyleInTable w:doNotSuppressIndentation w:doNotAutofitConstrainedTables \
     w:autofitToFirstFixedWidthCell w:underlineTabInNumList w:displayHangulFixedWidth \
     w:splitPgBreakAndParaMark w:doNotVertAlignCellWithSp w:doNotBreakConstrainedForcedTable \
     w:doNotVertAlignInTxbx w:useAnsiKerningPairs w:cachedColBalance w:compatSetting",
    "w:lvl w:start w:numFmt w:lvlRestart w:pStyle w:isLgl w:suff w:lvlText w:lvlPicBulletId \
     w:legacy w:lvlJc w:pPr w:rPr",
    "w:abstractNum w:nsid w:multiLevelType w:tmpl w:name w:styleLink w:numStyleLink w:lvl",
    "w:num w:abstractNumId w:lvlOverride",
    "w:numbering w:numPicBullet w:abstractNum w:num w:numIdMacAtCleanup",
    "w:lvlOverride w:startOverride w:lvl",
    "w:numPr w:ilvl w:numId w:numberingChange w:ins",
    "w:font w:altName w:panose1 w:charset w:family w:notTrueType w:pitch w:sig w:embedRegular \
     w:embedBold w:embedItalic w:embedBoldItalic",
    "w:footnotePr w:pos w:numFmt w:numStart w:numRestart w:footnote",
    "w:endnotePr w:pos w:numFmt w:numStart w:numRestart w:endnote",
    "w:tblStylePr w:pPr w:rPr w:tblPr w:trPr w:tcPr",
    "w:sdt w:sdtPr w:sdtEndPr w:sdtContent \
     w:bookmarkStart|w:bookmarkEnd|w:commentRangeStart|w:commentRangeEnd|\
     w:moveFromRangeStart|w:moveFromRangeEnd|w:moveToRangeStart|w:moveToRangeEnd|\
     w:customXmlInsRangeStart|w:customXmlInsRangeEnd|w:customXmlDelRangeStart|\
     w:customXmlDelRangeEnd|w:customXmlMoveFromRangeStart|w:customXmlMoveFromRangeEnd|\
     w:customXmlMoveToRangeStart|w:customXmlMoveToRangeEnd|\
     w14:customXmlConflictInsRangeStart|w14:customXmlConflictInsRangeEnd|\
     w14:customXmlConflictDelRangeStart|w14:customXmlConflictDelRangeEnd",
    "w:trPr w:cnfStyle w:divId w:gridBefore w:gridAfter w:wBefore w:wAfter w:cantSplit w:trHeight \
     w:tblHeader w:tblCellSpacing w:jc w:hidden w:ins w:del w:trPrChange \
     w14:conflictIns|w14:conflictDel",
    // Content containers: only their property children have a fixed place.
    "w:body * w:sectPr",
    "w:p w:pPr *",
    "w:r w:rPr *",
    "w:tbl w:tblPr w:tblGrid *",
    "w:tr w:tblPrEx w:trPr *",
    "w:tc w:tcPr *",
    "w:rPrDefault w:rPr",
    "w:pPrDefault w:pPr",
    "w:fonts w:font",
];
