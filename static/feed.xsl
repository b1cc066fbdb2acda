<?xml version="1.0" encoding="utf-8"?>
<!--
  A feed opened in a browser: its entries as a page, with a word on what a
  feed is and how to follow it. Every Atom feed names this stylesheet
  (decisions/feeds.py), and browsers get the feed as application/xml, which
  they transform. In Swedish, and in English for the English feeds (their
  xml:lang). The page keeps the feed's Content-Security-Policy: no script, no
  inline style; its look is the site's own stylesheet. Only value-of, never
  disable-output-escaping: a title is text, never markup.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:variable name="en" select="/atom:feed/@xml:lang = 'en'"/>
  <!-- A summary longer than this is cut, as the lists on the site do. -->
  <xsl:variable name="summary-length" select="280"/>

  <xsl:template match="/atom:feed">
    <html>
      <xsl:attribute name="lang">
        <xsl:choose><xsl:when test="$en">en</xsl:when><xsl:otherwise>sv</xsl:otherwise></xsl:choose>
      </xsl:attribute>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="atom:title"/></title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="/static/css/site.css"/>
      </head>
      <body>
        <a class="skip-link" href="#main-content">
          <xsl:choose>
            <xsl:when test="$en">Skip to main content</xsl:when>
            <xsl:otherwise>Hoppa till huvudinnehållet</xsl:otherwise>
          </xsl:choose>
        </a>
        <header class="site-header">
          <div class="site-header__inner">
            <p class="site-name">
              <a>
                <xsl:attribute name="href">
                  <xsl:choose><xsl:when test="$en">/en/</xsl:when><xsl:otherwise>/</xsl:otherwise></xsl:choose>
                </xsl:attribute>
                <xsl:text>Öppna beslut</xsl:text>
              </a>
            </p>
          </div>
        </header>
        <main id="main-content" tabindex="-1">
          <h1><xsl:value-of select="atom:title"/></h1>
          <xsl:if test="atom:subtitle">
            <p><xsl:value-of select="atom:subtitle"/></p>
          </xsl:if>
          <section class="notice" aria-labelledby="what-heading">
            <xsl:choose>
              <xsl:when test="$en">
                <h2 id="what-heading">This is a feed</h2>
                <p>A feed is an address that a feed reader fetches now and then, so that you see new sections of the minutes without coming back to the page. To follow it, copy this address into your feed reader (Thunderbird, NetNewsWire, Feedly or another):</p>
              </xsl:when>
              <xsl:otherwise>
                <h2 id="what-heading">Det här är ett flöde</h2>
                <p>Ett flöde är en adress som en flödesläsare hämtar då och då, så att du ser nya paragrafer utan att gå tillbaka till sidan. För att bevaka den, kopiera den här adressen till din flödesläsare (Thunderbird, NetNewsWire, Feedly eller någon annan):</p>
              </xsl:otherwise>
            </xsl:choose>
            <p><code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></p>
          </section>
          <p>
            <a href="{atom:link[@rel='alternate']/@href}">
              <xsl:choose>
                <xsl:when test="$en">The page this feed follows</xsl:when>
                <xsl:otherwise>Sidan som flödet följer</xsl:otherwise>
              </xsl:choose>
            </a>
          </p>
          <h2>
            <xsl:choose>
              <xsl:when test="$en">Latest sections</xsl:when>
              <xsl:otherwise>Senaste paragraferna</xsl:otherwise>
            </xsl:choose>
          </h2>
          <xsl:choose>
            <xsl:when test="atom:entry">
              <ol class="paragraf-list">
                <xsl:apply-templates select="atom:entry"/>
              </ol>
            </xsl:when>
            <xsl:otherwise>
              <p>
                <xsl:choose>
                  <xsl:when test="$en">No sections yet.</xsl:when>
                  <xsl:otherwise>Inga paragrafer ännu.</xsl:otherwise>
                </xsl:choose>
              </p>
            </xsl:otherwise>
          </xsl:choose>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <xsl:variable name="summary" select="normalize-space(atom:summary)"/>
    <li class="paragraf-item">
      <h3 class="paragraf-item__title" lang="sv">
        <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      </h3>
      <xsl:if test="$summary">
        <p class="summary" lang="sv">
          <xsl:value-of select="substring($summary, 1, $summary-length)"/>
          <xsl:if test="string-length($summary) &gt; $summary-length">…</xsl:if>
        </p>
      </xsl:if>
    </li>
  </xsl:template>
</xsl:stylesheet>
